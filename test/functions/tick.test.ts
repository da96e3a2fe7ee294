import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { makeTickHandler } from '../../functions/tick.js';
import { createTickApp } from '../../lib/app/create-tick-app.js';
import type { Rollout } from '../../lib/model/rollout.js';
import type { ClusterWork } from '../../lib/queue/cluster-work.js';
import { readJsonVector } from '../support/vectors.js';
import { NOW, pendingRollout } from './fixtures.js';
import { captureLogs, lambdaContext, quietLogger } from './lambda-events.js';

/** A tick over a store whose due index holds `due`, sending to a queue that records what it got. */
function tickOver(due: Rollout[]) {
  const sent: ClusterWork[][] = [];
  const asked: number[] = [];
  const app = createTickApp({
    store: {
      listDue: async (now) => {
        asked.push(now);
        return due.filter((r) => r.nextCheckAt <= now);
      },
    },
    queue: { send: async (work) => void sent.push([...work]) },
    clock: () => NOW,
  });
  return { app, sent, asked };
}

const rollout = (id: string, cluster: string, nextCheckAt = NOW) =>
  pendingRollout({ id, target: id.replace(/-\d+$/, ''), cluster, nextCheckAt });

describe('scheduled tick: due rollouts to the cluster workers', () => {
  it.each([
    'lambda_eventbridge_scheduled_event.eventbridge-docs.json',
    'lambda_eventbridge_scheduled_event.lambda-docs.json',
  ])('sends one message per cluster with work due for %s', async (name) => {
    const { app, sent, asked } = tickOver([
      rollout('a-1', 'east'),
      rollout('b-1', 'west'),
      rollout('c-1', 'east'),
      rollout('d-1', 'west', NOW + 1),
    ]);
    const summary = await makeTickHandler(async () => app, quietLogger())(
      readJsonVector(name),
      lambdaContext(),
    );
    expect(asked).toEqual([NOW]);
    expect(sent).toEqual([
      [
        { cluster: 'east', rollouts: ['a-1', 'c-1'], dueAt: NOW },
        { cluster: 'west', rollouts: ['b-1'], dueAt: NOW },
      ],
    ]);
    expect(summary).toEqual({
      at: NOW,
      due: 3,
      clusters: [
        { name: 'east', rollouts: 2, messages: 1 },
        { name: 'west', rollouts: 1, messages: 1 },
      ],
    });
  });

  it('splits a large cluster into messages of at most 200 rollouts, and sends nothing when nothing is due', async () => {
    const many = Array.from({ length: 450 }, (_, i) => rollout(`svc-${i + 1}`, 'big'));
    const { app, sent } = tickOver(many);
    const event = readJsonVector('lambda_eventbridge_scheduled_event.lambda-docs.json');
    await makeTickHandler(async () => app, quietLogger())(event, lambdaContext());
    expect(sent[0]?.map((w) => w.rollouts.length)).toEqual([200, 200, 50]);
    expect(sent[0]?.flatMap((w) => w.rollouts)).toEqual(many.map((r) => r.id));

    const idle = tickOver([rollout('a-1', 'east', NOW + 60_000)]);
    const summary = await makeTickHandler(async () => idle.app, quietLogger())(event, lambdaContext());
    expect(idle.sent).toEqual([]);
    expect(summary.due).toBe(0);
  });

  it('refuses events that are not the schedule, without reading the store', async () => {
    const { app, asked } = tickOver([rollout('a-1', 'east')]);
    const handler = makeTickHandler(async () => app, quietLogger());
    await expect(
      handler(readJsonVector('lambda_eventbridge_custom_event.powertools-docs.json'), lambdaContext()),
    ).rejects.toThrow('Scheduled Event');
    expect(asked).toEqual([]);
  });

  it('logs what it dispatched as structured JSON', async () => {
    const logger = new Logger({ serviceName: 'aviary', logLevel: 'INFO' });
    const { app } = tickOver([rollout('a-1', 'east')]);
    const entries = await captureLogs(() =>
      makeTickHandler(async () => app, logger)(
        readJsonVector('lambda_eventbridge_scheduled_event.lambda-docs.json'),
        lambdaContext('aviary-tick'),
      ),
    );
    expect(entries.find((e) => e.message === 'tick')).toMatchObject({
      level: 'INFO',
      service: 'aviary',
      function_name: 'aviary-tick',
      due: 1,
      clusters: [{ name: 'east', rollouts: 1, messages: 1 }],
      scheduledAt: '2019-03-01T01:23:45Z',
    });
  });

  it('publishes the due rollouts and the clusters with work as CloudWatch metrics (EMF)', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    try {
      const { app } = tickOver([rollout('a-1', 'east'), rollout('b-1', 'west')]);
      const metrics = new Metrics({ namespace: 'Aviary', serviceName: 'aviary' });
      const entries = await captureLogs(() =>
        makeTickHandler(
          async () => app,
          quietLogger(),
          metrics,
        )(
          readJsonVector('lambda_eventbridge_scheduled_event.lambda-docs.json'),
          lambdaContext('aviary-tick'),
        ),
      );
      const emf = entries.find((e) => '_aws' in e) as Record<string, unknown> & {
        _aws: { CloudWatchMetrics: { Namespace: string }[] };
      };
      expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe('Aviary');
      expect(emf).toMatchObject({ DueRollouts: 2, ClustersWithWork: 2 });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('advances the fleets before the dispatch, so a wave it starts is sent to its cluster in the same tick', async () => {
    const due: Rollout[] = [rollout('a-1', 'east')];
    const order: string[] = [];
    const sent: ClusterWork[][] = [];
    const app = createTickApp({
      store: {
        listDue: async (now) => {
          order.push('dispatch');
          return due.filter((r) => r.nextCheckAt <= now);
        },
      },
      queue: { send: async (work) => void sent.push([...work]) },
      clock: () => NOW,
      advanceFleets: async () => {
        order.push('fleets');
        // The fleet starts its next wave: a new rollout on another cluster, due now.
        due.push(rollout('b-1', 'west'));
        return [{ id: 'web-fleet-1', phase: 'progressing', action: 'start_wave' }];
      },
    });
    const summary = await makeTickHandler(async () => app, quietLogger())(
      readJsonVector('lambda_eventbridge_scheduled_event.lambda-docs.json'),
      lambdaContext(),
    );
    expect(order).toEqual(['fleets', 'dispatch']);
    expect(sent[0]?.map((w) => w.cluster)).toEqual(['east', 'west']);
    expect(summary.fleets).toEqual([{ id: 'web-fleet-1', phase: 'progressing', action: 'start_wave' }]);
  });

  it('a fleet that cannot be advanced does not stop the rollouts: the dispatch goes on and the failure is logged', async () => {
    const { app: base, sent } = tickOver([rollout('a-1', 'east')]);
    const app = { ...base, advanceFleets: async () => Promise.reject(new Error('fleet table throttled')) };
    const logger = new Logger({ serviceName: 'aviary', logLevel: 'INFO' });
    const entries = await captureLogs(async () => {
      const summary = await makeTickHandler(async () => app, logger)(
        readJsonVector('lambda_eventbridge_scheduled_event.lambda-docs.json'),
        lambdaContext('aviary-tick'),
      );
      expect(summary.fleets).toBeUndefined();
      return summary;
    });
    expect(sent).toEqual([[{ cluster: 'east', rollouts: ['a-1'], dueAt: NOW }]]);
    expect(entries.find((e) => e.level === 'ERROR')).toMatchObject({ error: 'Error: fleet table throttled' });
  });
});

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { makeTickHandler } from '../../functions/tick.js';
import { readJsonVector } from '../support/vectors.js';
import { fleetAppWith } from './fixtures.js';
import { captureLogs, lambdaContext, quietLogger } from './lambda-events.js';
import { recordingFleet } from './recording-engine.js';

describe('scheduled tick', () => {
  it.each([
    'lambda_eventbridge_scheduled_event.eventbridge-docs.json',
    'lambda_eventbridge_scheduled_event.lambda-docs.json',
  ])('runs one engine tick for %s and returns its summary', async (name) => {
    const fleet = recordingFleet();
    const handler = makeTickHandler(async () => fleetAppWith(fleet), quietLogger());
    const summary = await handler(readJsonVector(name), lambdaContext());
    expect(fleet.ticks).toBe(1);
    expect(summary.rollouts).toEqual([{ id: 'podinfo-1', phase: 'progressing', action: 'advance' }]);
    expect(summary.clusters).toEqual([{ name: 'sim', ok: true, ms: 12 }]);
  });

  it('refuses events that are not the schedule, without ticking', async () => {
    const fleet = recordingFleet();
    const handler = makeTickHandler(async () => fleetAppWith(fleet), quietLogger());
    await expect(
      handler(readJsonVector('lambda_eventbridge_custom_event.powertools-docs.json'), lambdaContext()),
    ).rejects.toThrow('Scheduled Event');
    expect(fleet.ticks).toBe(0);
  });

  it('logs the summary as structured JSON', async () => {
    const logger = new Logger({ serviceName: 'aviary', logLevel: 'INFO' });
    const entries = await captureLogs(() =>
      makeTickHandler(async () => fleetAppWith(recordingFleet()), logger)(
        readJsonVector('lambda_eventbridge_scheduled_event.lambda-docs.json'),
        lambdaContext('aviary-tick'),
      ),
    );
    expect(entries.find((e) => e.message === 'tick')).toMatchObject({
      level: 'INFO',
      service: 'aviary',
      function_name: 'aviary-tick',
      rollouts: 1,
      acted: 1,
      failed: 0,
      scheduledAt: '2019-03-01T01:23:45Z',
    });
  });

  it('publishes what the tick did as CloudWatch metrics (EMF) in the Aviary namespace', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    try {
      const metrics = new Metrics({ namespace: 'Aviary', serviceName: 'aviary' });
      const entries = await captureLogs(() =>
        makeTickHandler(
          async () => fleetAppWith(recordingFleet()),
          quietLogger(),
          metrics,
        )(
          readJsonVector('lambda_eventbridge_scheduled_event.lambda-docs.json'),
          lambdaContext('aviary-tick'),
        ),
      );
      const emf = entries.find((e) => '_aws' in e) as Record<string, unknown> & {
        _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
      };
      expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe('Aviary');
      const names = emf._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name);
      expect(names).toEqual(
        expect.arrayContaining(['ActiveRollouts', 'Advances', 'Rollbacks', 'ClustersUnreachable']),
      );
      // The recording engine's tick advanced one rollout on one healthy cluster.
      expect(emf).toMatchObject({ ActiveRollouts: 1, Advances: 1, Rollbacks: 0, ClustersUnreachable: 0 });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

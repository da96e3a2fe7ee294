import { describe, expect, it } from 'vitest';
import { makeDeployEventHandler } from '../../functions/deploy-event.js';
import { readJsonVector } from '../support/vectors.js';
import { appWith } from './fixtures.js';
import { lambdaContext, quietLogger } from './lambda-events.js';
import { recordingEngine } from './recording-engine.js';

interface PutEventsEntry {
  Time: string;
  Source: string;
  Resources: string[];
  DetailType: string;
  Detail: string;
}

/** What EventBridge delivers to Lambda for a PutEvents entry (the custom-event vector's envelope). */
function delivered(entry: PutEventsEntry): Record<string, unknown> {
  const envelope = readJsonVector<Record<string, unknown>>(
    'lambda_eventbridge_custom_event.powertools-docs.json',
  );
  return {
    ...envelope,
    source: entry.Source,
    'detail-type': entry.DetailType,
    time: entry.Time,
    resources: entry.Resources,
    detail: JSON.parse(entry.Detail),
  };
}

/** CI's PutEvents entry: the documented entry with Aviary's source, detail-type and detail. */
function ciEntry(detail: unknown): PutEventsEntry {
  const [documented] = readJsonVector<PutEventsEntry[]>(
    'eventbridge_putevents_entries.eventbridge-docs.json',
  );
  if (!documented) throw new Error('empty PutEvents vector');
  return {
    ...documented,
    Source: 'aviary.ci',
    DetailType: 'Aviary Deployment',
    Detail: JSON.stringify(detail),
  };
}

function setup(engine = recordingEngine(), source?: string) {
  const handler = makeDeployEventHandler(async () => appWith(engine), quietLogger(), source);
  return { engine, run: (event: unknown) => handler(event, lambdaContext()) };
}

describe('EventBridge "Aviary Deployment" events', () => {
  it('starts a rollout from the detail; the event id is the delivery id', async () => {
    const { engine, run } = setup();
    const event = delivered(
      ciEntry({ target: 'podinfo', revision: 'v2.4.0', image: 'ghcr.io/acme/podinfo:2.4.0', actor: 'ci' }),
    );
    expect(await run(event)).toEqual({ rollout: 'podinfo-2', created: true });
    expect(engine.calls).toEqual([
      {
        method: 'start',
        input: {
          target: 'podinfo',
          revision: 'v2.4.0',
          image: 'ghcr.io/acme/podinfo:2.4.0',
          source: { kind: 'eventbridge', deliveryId: '12345678-1234-1234-1234-123456789012', actor: 'ci' },
        },
      },
    ]);
  });

  it('follows a configured source', async () => {
    const { engine, run } = setup(recordingEngine(), 'com.acme.pipeline');
    const event = {
      ...delivered(ciEntry({ target: 'podinfo', revision: 'abc1234' })),
      source: 'com.acme.pipeline',
    };
    await expect(run(event)).resolves.toMatchObject({ created: true });
    expect(engine.calls).toHaveLength(1);
  });

  it("throws (so the event reaches the DLQ) for the vectors' other events, without starting anything", async () => {
    const { engine, run } = setup();
    await expect(run(readJsonVector('lambda_eventbridge_custom_event.powertools-docs.json'))).rejects.toThrow(
      'expected detail-type "Aviary Deployment" from "aviary.ci", got "myDetailType" from "myEventSource"',
    );
    await expect(
      run(readJsonVector('lambda_eventbridge_custom_event_order.powertools-docs.json')),
    ).rejects.toThrow('OrderPurchased');
    await expect(run({ hello: 'world' })).rejects.toThrow('not an EventBridge event');
    expect(engine.calls).toEqual([]);
  });

  it('throws naming every invalid field of the detail', async () => {
    const { engine, run } = setup();
    const error = await run(delivered(ciEntry({ revision: '../etc', image: 42 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/target: .*revision: .*image: /);
    expect(engine.calls).toEqual([]);
  });

  it('throws when the engine refuses (unknown target), after asking it once', async () => {
    const { engine, run } = setup();
    await expect(run(delivered(ciEntry({ target: 'nope', revision: 'abc1234' })))).rejects.toThrow(
      'unknown target "nope" (404)',
    );
    expect(engine.calls).toHaveLength(1);
  });
});

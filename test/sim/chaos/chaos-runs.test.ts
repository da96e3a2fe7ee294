import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectDynamoDbFaults } from '../../../lib/local/dynamodb-faults.js';
import {
  type DynamoDbLocal,
  localDynamoClients,
  startDynamoDbLocal,
} from '../../../lib/local/dynamodb-local.js';
import { runCrashPoints } from '../../../lib/sim/chaos/crash-points.js';
import { runFaultStorm } from '../../../lib/sim/chaos/fault-storm.js';
import { runRaces } from '../../../lib/sim/chaos/races.js';
import type { TargetOutcome } from '../../../lib/sim/chaos/rounds.js';

/**
 * Small, seeded versions of `npm run bench:chaos`, on the same real stack: what they find, the bench finds at scale.
 * Nothing here waits on wall-clock time: the stack's clock moves only when a run moves it.
 */
let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ startTimeoutMs: 180_000 });
});
afterAll(async () => {
  await dynamo?.stop();
});

/** The bench's loss columns for a run; each must be zero. */
const losses = (outcomes: TargetOutcome[]) => ({
  stuck: outcomes.filter((o) => !o.converged).map((o) => o.name),
  canaryRequestsAfterRollback: outcomes.reduce((n, o) => n + o.canaryRequestsAfterRollback, 0),
  lostTransitions: outcomes.reduce((n, o) => n + o.lostTransitions, 0),
  duplicateMessages: outcomes.reduce((n, o) => n + o.duplicateMessages, 0),
  staleMessages: outcomes.reduce((n, o) => n + o.staleMessages, 0),
  nonLinear: outcomes.reduce((n, o) => n + o.nonLinear + o.versionViolations, 0),
  terminalViolations: outcomes.reduce((n, o) => n + o.terminalViolations, 0),
});
const problems = (outcomes: TargetOutcome[]) => outcomes.flatMap((o) => o.problems).join('\n');

const NONE = {
  stuck: [],
  canaryRequestsAfterRollback: 0,
  lostTransitions: 0,
  duplicateMessages: 0,
  staleMessages: 0,
  nonLinear: 0,
  terminalViolations: 0,
};

describe('DynamoDB faults in the SDK middleware stack', () => {
  it('throttling goes through the SDK deserializer and retries; an answer lost after the write leaves it written', async () => {
    const table = 'chaos-faults';
    await dynamo.createTable(table);
    const { client, doc } = localDynamoClients(dynamo.endpoint);
    try {
      let attempts = 0;
      const remove = injectDynamoDbFaults(client, () => (++attempts <= 2 ? 'throttle' : null));
      await doc.send(new PutCommand({ TableName: table, Item: { pk: 'a', sk: 'b', v: 1 } }));
      // Two throttled attempts, then the SDK's third attempt went through.
      expect(attempts).toBe(3);
      remove();

      injectDynamoDbFaults(client, () => 'throttle');
      const error = await doc
        .send(new GetCommand({ TableName: table, Key: { pk: 'a', sk: 'b' } }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
      expect((error as ProvisionedThroughputExceededException).$metadata.attempts).toBeGreaterThan(1);

      injectDynamoDbFaults(client, (call) => (call.write ? 'lostAnswer' : null));
      await expect(
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: 'a', sk: 'b' },
            UpdateExpression: 'SET v = :next',
            ExpressionAttributeValues: { ':next': 2 },
          }),
        ),
      ).rejects.toMatchObject({ name: 'InternalServerError' });
      const stored = await dynamo.doc.send(new GetCommand({ TableName: table, Key: { pk: 'a', sk: 'b' } }));
      expect(stored.Item?.v).toBe(2);

      injectDynamoDbFaults(client, (call) => (call.write ? 'ackWithoutWrite' : null));
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: 'a', sk: 'b' },
          UpdateExpression: 'SET v = :next',
          ExpressionAttributeValues: { ':next': 3 },
        }),
      );
      const unchanged = await dynamo.doc.send(
        new GetCommand({ TableName: table, Key: { pk: 'a', sk: 'b' } }),
      );
      expect(unchanged.Item?.v).toBe(2);
    } finally {
      client.destroy();
    }
  });
});

describe('chaos runs (small)', () => {
  it('crash points: every transition of a rolled-back and an aborted lifecycle, crashed both ways, converges', async () => {
    const result = await runCrashPoints(dynamo, { scripts: ['faulty', 'aborted'], seed: 11, clusters: 2 });
    expect(losses(result.outcomes), problems(result.outcomes)).toEqual(NONE);
    // Both kinds struck the decisions that matter most: the rollback and the abort.
    for (const kind of ['afterStateWrite', 'afterClusterWrite'] as const) {
      expect([...result.transitions[kind]]).toEqual(
        expect.arrayContaining([
          'progressing→rolling_back (rollback)',
          'progressing→rolling_back (abort)',
          'rolling_back→failed (complete)',
        ]),
      );
    }
    // The reverse crash really left a cluster written ahead of its state.
    expect(result.crashes.some((c) => c.kind === 'afterClusterWrite' && c.clusterWritten)).toBe(true);
    // A crash after the terminal state write (before its publish) struck, and yet every message ends at its
    // rollout's terminal phase, updated in place (staleMessages and duplicateMessages above are zero).
    expect(
      result.crashes.some(
        (c) => c.kind === 'afterStateWrite' && c.label === 'rolling_back→failed (complete)',
      ),
    ).toBe(true);
  }, 900_000);

  it('faults: rollouts under 20 % Kubernetes and 10 % DynamoDB faults all end where they should', async () => {
    const result = await runFaultStorm(dynamo, { rollouts: 8, faultyShare: 0.4, seed: 5, clusters: 2 });
    // A rollback's router write that the faults hit is tried again in the same tick (lib/engine/transient-retry.ts),
    // so no canary keeps its weight after its rollback was decided: every column is zero, that one included.
    expect(losses(result.outcomes), problems(result.outcomes)).toEqual(NONE);
    expect(result.outcomes.map((o) => o.script.expected.phases.r2)).toEqual(
      expect.arrayContaining(['succeeded', 'failed']),
    );
    expect(Object.values(result.injected.kube).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(Object.values(result.injected.dynamo).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 900_000);

  it('races: concurrent commands, deliveries and ticks leave linear histories with one terminal decision each', async () => {
    const result = await runRaces(dynamo, { operations: 120, targets: 6, wave: 20, seed: 7 });
    expect(
      {
        nonLinear: result.nonLinear,
        versionViolations: result.versionViolations,
        terminalViolations: result.terminalViolations,
        lostTransitions: result.lostTransitions,
        duplicateMessages: result.duplicateMessages,
        canaryRequestsAfterRollback: result.canaryRequestsAfterRollback,
      },
      result.problems.join('\n'),
    ).toEqual({
      nonLinear: 0,
      versionViolations: 0,
      terminalViolations: 0,
      lostTransitions: 0,
      duplicateMessages: 0,
      canaryRequestsAfterRollback: 0,
    });
    expect(result.rollouts).toBeGreaterThan(6);
    expect(result.operations.tick).toBeGreaterThan(6);
  }, 900_000);
});

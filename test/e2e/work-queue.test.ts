import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterEngine } from '../../lib/engine/engine.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import type { EmbeddedStack } from '../../lib/local/embedded-stack.js';
import type { LocalClient } from '../../lib/local/local-client.js';
import { e2eConfig, e2eTarget, type FakeClock, startTestStack, statusOf } from './stack.js';

/**
 * Tick → queue → worker on the local stack: the scheduled function sends one message per cluster with work due,
 * the cluster worker advances that cluster's rollouts, and a worker that crashes mid-batch gets its message back
 * after the visibility timeout without any rollout being advanced twice.
 */
describe('tick → work queue → cluster worker', () => {
  let dynamo: DynamoDbLocal;
  let stack: EmbeddedStack;
  let clock: FakeClock;
  let client: LocalClient;
  /** Armed by the test: the next worker for a multi-rollout message advances one rollout, then dies. */
  let crashNext = false;

  const crashing = (clusterEngine: ClusterEngine): ClusterEngine => ({
    ...clusterEngine,
    work: async (work) => {
      if (crashNext && work.rollouts.length > 1) {
        crashNext = false;
        await clusterEngine.work({ ...work, rollouts: work.rollouts.slice(0, 1) });
        throw new Error('worker crashed mid-batch');
      }
      return clusterEngine.work(work);
    },
  });

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    const config = e2eConfig();
    // Two targets on `sim`, one on `edge`: the sim message carries two rollouts.
    ({ stack, clock, client } = await startTestStack(dynamo, {
      config: e2eConfig({ targets: { ...config.targets, api: e2eTarget('sim', 'api') } }),
      seed: 41,
      wrapClusterEngine: crashing,
    }));
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await dynamo?.stop();
  }, 120_000);

  const deploy = async (target: string): Promise<string> => {
    const response = await client.deploy({ target, revision: 'rev-9', image: `example/${target}:9` });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    return (response.body as { rollout: { id: string } }).rollout.id;
  };

  it('sends one message per cluster with work due and advances every due rollout', async () => {
    const ids = [await deploy('podinfo'), await deploy('api'), await deploy('checkout')];
    for (let i = 0; i < 10; i++) {
      clock.advance(30_000);
      const before = stack.queue.deliveries.length;
      const summary = await stack.tick();
      // Each tick: one message for sim (podinfo and api), one for edge (checkout).
      expect(
        stack.queue.deliveries
          .slice(before)
          .map((d) => d.groupId)
          .sort(),
      ).toEqual(['edge', 'sim']);
      expect(summary.rollouts.map((r) => r.id).sort()).toEqual([...ids].sort());
      const phases = await Promise.all(ids.map(async (id) => (await statusOf(client, id)).phase));
      if (phases.every((p) => p === 'progressing')) break;
    }
    for (const id of ids) expect((await statusOf(client, id)).phase).toBe('progressing');
    expect(stack.queue.depth).toBe(0);
  }, 240_000);

  it('a worker crash mid-batch: the message comes back, and no rollout is checked twice', async () => {
    const ids = ['podinfo-1', 'api-1', 'checkout-1'] as const;
    /** When each rollout was last written: every check saves it (its next check time moves on). */
    const checkedAt = async () =>
      Object.fromEntries(
        await Promise.all(ids.map(async (id) => [id, (await statusOf(client, id)).updatedAt] as const)),
      );
    // Let every check come due, so each of the next deliveries has real work.
    clock.advance(30_000);
    const tickAt = new Date(clock.now()).toISOString();
    const before = await checkedAt();
    for (const id of ids) expect(before[id]).not.toBe(tickAt);

    crashNext = true;
    await stack.tick();
    // edge was worked; on sim the worker checked the first rollout of the message and died before the second.
    const crashed = await checkedAt();
    expect(crashed['checkout-1']).toBe(tickAt);
    const simChecked = (['podinfo-1', 'api-1'] as const).filter((id) => crashed[id] === tickAt);
    expect(simChecked).toHaveLength(1);
    const [first] = simChecked;
    const second = first === 'podinfo-1' ? 'api-1' : 'podinfo-1';
    expect(crashed[second]).toBe(before[second]);
    expect(stack.queue.depth).toBe(1);

    // Not before the visibility timeout: the message stays invisible, nothing moves.
    clock.advance(60_000);
    await stack.drain();
    expect(await checkedAt()).toEqual(crashed);

    // After it, the same message is delivered again (receive count 2): the second rollout is checked, the
    // first is not checked again for that tick.
    clock.advance(6 * 60_000);
    const redeliveredAt = new Date(clock.now()).toISOString();
    await stack.drain();
    const sim = stack.queue.deliveries.filter((d) => d.groupId === 'sim');
    expect(sim.at(-1)?.receiveCount).toBe(2);
    expect(sim.at(-2)?.messageId).toBe(sim.at(-1)?.messageId);
    const after = await checkedAt();
    expect(after[second]).toBe(redeliveredAt);
    expect(after[first as string]).toBe(tickAt);
    expect(after['checkout-1']).toBe(tickAt);
    expect(stack.queue.depth).toBe(0);
  }, 240_000);
});

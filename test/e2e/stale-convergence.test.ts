import { describe, expect, it } from 'vitest';
import type { Rollout } from '../../lib/model/rollout.js';
import { DynamoDbRolloutStore } from '../../lib/store/dynamodb-store.js';
import type { RolloutStore } from '../../lib/store/rollout-store.js';
import { APPROVER, deploymentIn, statusOf, tickUntil, useTestStack } from './stack.js';

/**
 * The tick lists active rollouts from a global secondary index, which DynamoDB updates eventually. Here the
 * index is held back on purpose: it keeps answering with what it said before an abort or a newer revision.
 * A tick working from that listing must not put stale weights back or scale a canary up again.
 */
describe('a tick that lists stale rollouts acts only on what a consistent read shows', () => {
  /** While set, the index (`listActive`, and `listDue` the tick reads) answers with this earlier listing. */
  let staleListing: Rollout[] | null = null;
  const laggingIndex = (store: RolloutStore): RolloutStore =>
    Object.assign(Object.create(store) as RolloutStore, {
      listActive: async () => staleListing ?? store.listActive(),
      listDue: async (now: number) => staleListing ?? store.listDue(now),
    });
  const handle = useTestStack({ seed: 31, wrapStore: laggingIndex });

  const image = (tag: string) => `ghcr.io/stefanprodan/podinfo:${tag}`;
  const sim = () => {
    const cluster = handle.stack.clusters.get('sim');
    if (!cluster) throw new Error('no sim cluster');
    return cluster;
  };
  const weights = () => sim().weightsOf(handle.stack.target('podinfo'));
  const canary = () => deploymentIn(handle.stack, 'sim', 'podinfo-canary');
  const clusterWrites = () => sim().api.requests.filter((r) => r.method !== 'GET').length;
  /** What the index says now: kept, to be answered again later. */
  const indexNow = () =>
    new DynamoDbRolloutStore({
      client: handle.stack.dynamo.doc,
      tableName: handle.stack.tableName,
    }).listActive();

  /**
   * A rollout whose stored intent (25 %) is ahead of its cluster (still 10 %): the tick decided 25 %, then the
   * router write failed (more 409s than the writer retries). The next tick would converge the cluster on it.
   */
  async function intentAheadOfCluster(revision: string, tag: string): Promise<string> {
    const { stack, clock, client } = handle;
    const started = await client.deploy({ target: 'podinfo', revision, image: image(tag) });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = (started.body as { rollout: { id: string } }).rollout.id;
    for (let i = 0; i < 20 && (await statusOf(client, id)).canaryWeight < 10; i++) {
      clock.advance(30_000);
      await stack.tick();
    }
    expect(weights()).toEqual({ primary: 90, canary: 10 });
    sim().api.injectFaults({ conflictsOnNextWrites: 7 });
    clock.advance(30_000);
    await stack.tick();
    sim().api.injectFaults({});
    expect(await statusOf(client, id)).toMatchObject({ phase: 'progressing', canaryWeight: 25 });
    expect(weights()).toEqual({ primary: 90, canary: 10 });
    return id;
  }

  it('after an abort, a tick with the listing from before the abort rolls back instead of stepping up', async () => {
    const { stack, clock, client } = handle;
    const id = await intentAheadOfCluster('rev-1', '6.5.1');
    const listing = await indexNow();
    expect(listing.map((r) => [r.id, r.phase, r.canaryWeight])).toEqual([[id, 'progressing', 25]]);

    const aborted = await client.slash(`abort ${id} bad canary`, APPROVER);
    expect(aborted.status, JSON.stringify(aborted.body)).toBe(200);
    // A second later no analysis is due: the abort made the rollout due, and the tick only converges the cluster
    // on the rollout it works from. (At the very same instant the tick's message would repeat the last tick's,
    // which the FIFO queue drops as a duplicate.)
    clock.advance(1_000);
    staleListing = listing;
    await stack.tick();
    staleListing = null;
    // It worked from the rollout as it is (rolling back), not as the index listed it (25 %).
    expect(weights()).toEqual({ primary: 100, canary: 0 });

    const { status } = await tickUntil(stack, clock, client, id, ['failed']);
    expect(status.phase).toBe('failed');
    expect(canary().replicas).toBe(0);

    // Long after, the lagging index still lists it at 25 %: nothing is written to the cluster.
    staleListing = listing;
    const writes = clusterWrites();
    const summary = await stack.tick();
    staleListing = null;
    expect(clusterWrites()).toBe(writes);
    expect(weights()).toEqual({ primary: 100, canary: 0 });
    expect(canary().replicas).toBe(0);
    // The cluster worker's consistent read found it finished: it was not visited at all.
    expect(summary.rollouts).toEqual([]);
  }, 120_000);

  it('after a newer revision superseded it, a tick listing the old rollout writes nothing to the cluster', async () => {
    const { stack, client } = handle;
    const oldId = await intentAheadOfCluster('rev-2', '6.5.2');
    const listing = await indexNow();
    const newer = await client.deploy({ target: 'podinfo', revision: 'rev-3', image: image('6.5.3') });
    expect(newer.status, JSON.stringify(newer.body)).toBe(202);
    expect((await statusOf(client, oldId)).phase).toBe('superseded');
    const before = { weights: weights(), image: canary().image, replicas: canary().replicas };

    staleListing = listing;
    const writes = clusterWrites();
    const summary = await stack.tick();
    staleListing = null;
    // The superseded rollout's 25 % was not put back: the cluster saw no write at all.
    expect(clusterWrites()).toBe(writes);
    expect({ weights: weights(), image: canary().image, replicas: canary().replicas }).toEqual(before);
    // The cluster worker's consistent read found it superseded: it was not visited at all.
    expect(summary.rollouts).toEqual([]);
  }, 120_000);
});

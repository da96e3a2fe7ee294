import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRollout, supersede } from '../../lib/core/rollout-start.js';
import { ConflictError } from '../../lib/errors.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { PolicySchema } from '../../lib/model/policy.js';
import type { Rollout } from '../../lib/model/rollout.js';
import { DynamoDbRolloutStore } from '../../lib/store/dynamodb-store.js';
import { DECISION_RETENTION_DAYS, DELIVERY_RETENTION_DAYS } from '../../lib/store/item-codec.js';
import { decisionKey } from '../../lib/store/table-keys.js';
import { fullDecision, next, pendingRollout, startDecision, supersededBy, T0 } from './rollout-fixtures.js';

let db: DynamoDbLocal;
let tables = 0;

beforeAll(async () => {
  db = await startDynamoDbLocal();
});

afterAll(async () => {
  await db?.stop();
});

/** Each test gets its own table: list queries see only what the test wrote. */
async function freshStore(): Promise<{ store: DynamoDbRolloutStore; tableName: string }> {
  const tableName = `rollouts-${++tables}`;
  await db.createTable(tableName);
  return { store: new DynamoDbRolloutStore({ client: db.doc, tableName }), tableName };
}

/** Creates `target-1` on an empty head, as the engine's first start would. */
async function createFirst(store: DynamoDbRolloutStore, target: string, revision = 'r1'): Promise<Rollout> {
  const rollout = pendingRollout(target, 1, revision);
  await store.createRollout({
    rollout,
    head: null,
    decisions: [rollout.lastDecision ?? startDecision(T0, revision)],
  });
  return rollout;
}

describe('DynamoDbRolloutStore', () => {
  it('answers null for what does not exist', async () => {
    const { store } = await freshStore();
    expect(await store.getRollout('nope-1')).toBeNull();
    expect(await store.getHead('nope')).toBeNull();
    expect(await store.listDecisions('nope-1')).toEqual([]);
    expect(await store.listActive()).toEqual([]);
    expect(await store.listRollouts()).toEqual([]);
  });

  it('creates a rollout, points the head at it and starts its history', async () => {
    const { store } = await freshStore();
    const rollout = await createFirst(store, 'podinfo');
    expect(await store.getRollout('podinfo-1')).toEqual(rollout);
    expect(await store.getHead('podinfo')).toEqual({
      target: 'podinfo',
      activeRolloutId: 'podinfo-1',
      latestRolloutId: 'podinfo-1',
      latestRevision: 'r1',
      seq: 1,
      version: 1,
    });
    expect(await store.listDecisions('podinfo-1')).toEqual([rollout.lastDecision]);
  });

  it('round-trips every rollout field: nulls, nested objects, numbers and judge state', async () => {
    const { store } = await freshStore();
    const created = await createFirst(store, 'roundtrip');
    const full: Rollout = next(created, {
      image: 'ghcr.io/stefanprodan/podinfo:6.5.1',
      source: { kind: 'github', deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', actor: 'octocat' },
      phase: 'awaiting_approval',
      stepIndex: 2,
      canaryWeight: 50,
      progressAt: T0 + 123_456,
      nextCheckAt: T0 + 180_000,
      failedChecks: 2,
      judgeState: { llr: -1.25, windows: [1, 2, 3], nested: { none: null, ok: true } },
      approval: { gate: 'promotion', revision: 'r1', requestedAt: T0 + 1, expiresAt: T0 + 3_600_001 },
      pausedFrom: 'progressing',
      reason: 'waiting for approval',
      lastDecision: fullDecision(T0 + 120_000),
      slack: { channel: 'C0DEPLOYS', ts: '1531420618.000200' },
      observedWeights: { primary: 50, canary: 50 },
    });
    await store.saveRollout(full);
    expect(await store.getRollout(created.id)).toEqual(full);

    // Fields that go back to null or away are cleared, not left behind.
    const { judgeState: _dropped, ...withoutJudgeState } = full;
    const cleared: Rollout = next(withoutJudgeState, {
      approval: null,
      pausedFrom: null,
      slack: null,
      reason: null,
    });
    await store.saveRollout(cleared);
    const stored = await store.getRollout(created.id);
    expect(stored).toEqual(cleared);
    expect(stored).not.toHaveProperty('judgeState');
  });

  it('saves conditionally on the previous version: a stale write is a ConflictError and changes nothing', async () => {
    const { store } = await freshStore();
    const v1 = await createFirst(store, 'stale');
    const winner = next(v1, { phase: 'progressing', canaryWeight: 10, stepIndex: 0 });
    await store.saveRollout(winner, fullDecision(T0 + 10_000, { action: 'advance', weight: 10 }));

    const loser = next(v1, { phase: 'paused', pausedFrom: 'pending' });
    await expect(
      store.saveRollout(loser, fullDecision(T0 + 10_001, { action: 'pause' })),
    ).rejects.toBeInstanceOf(ConflictError);
    // Skipping a version is just as stale.
    await expect(store.saveRollout(next(next(winner)))).rejects.toBeInstanceOf(ConflictError);

    expect(await store.getRollout(v1.id)).toEqual(winner);
    const history = await store.listDecisions(v1.id);
    expect(history.map((d) => d.action)).toEqual(['start', 'advance']);
  });

  it('refuses to save a rollout that was never created', async () => {
    const { store } = await freshStore();
    await expect(store.saveRollout(next(pendingRollout('ghost', 1, 'r1')))).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await store.getRollout('ghost-1')).toBeNull();
  });

  it('keeps one active rollout per target when two starts race on an empty head', async () => {
    const { store } = await freshStore();
    for (const round of [1, 2, 3, 4, 5]) {
      const target = `race${round}`;
      const a = pendingRollout(target, 1, 'rev-a');
      const b = pendingRollout(target, 1, 'rev-b');
      const results = await Promise.allSettled([
        store.createRollout({ rollout: a, head: null, decisions: [startDecision(T0, 'rev-a')] }),
        store.createRollout({ rollout: b, head: null, decisions: [startDecision(T0, 'rev-b')] }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);

      const winner = results[0]?.status === 'fulfilled' ? a : b;
      expect(await store.getRollout(`${target}-1`)).toEqual(winner);
      expect((await store.getHead(target))?.latestRevision).toBe(winner.revision);
      expect(await store.listDecisions(`${target}-1`)).toEqual([startDecision(T0, winner.revision)]);
    }
  });

  it('records a delivery with the rollout it started, once, and nothing when the start loses', async () => {
    const { store, tableName } = await freshStore();
    expect(await store.findDelivery('github:abc')).toBeNull();
    const a = pendingRollout('deliv', 1, 'rev-a');
    await store.createRollout({
      rollout: a,
      head: null,
      decisions: [startDecision(T0, 'rev-a')],
      delivery: 'github:abc',
    });
    expect(await store.findDelivery('github:abc')).toBe('deliv-1');
    const stored = await db.doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'DELIVERY#github:abc', sk: 'DELIVERY' } }),
    );
    // Remembered long enough to outlast any redelivery, then expired by the table's TTL.
    expect(stored.Item?.expiresAt).toBe(Math.floor(a.createdAt / 1000) + DELIVERY_RETENTION_DAYS * 86_400);

    // The same delivery for another target's start: the whole transaction fails, that rollout is not created.
    const other = pendingRollout('other', 1, 'rev-x');
    await expect(
      store.createRollout({
        rollout: other,
        head: null,
        decisions: [startDecision(T0, 'rev-x')],
        delivery: 'github:abc',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await store.getRollout('other-1')).toBeNull();
    expect(await store.getHead('other')).toBeNull();
    expect(await store.findDelivery('github:abc')).toBe('deliv-1');
  });

  it('lets only one of two starts that read the same head supersede the active rollout', async () => {
    const { store } = await freshStore();
    const first = await createFirst(store, 'dup');
    const head = await store.getHead('dup');
    const attempt = (revision: string, id: number) => {
      const rollout = pendingRollout('dup', 2, revision);
      const replaced = supersededBy(first, `dup-${id}`, T0 + 5_000);
      return store.createRollout({
        rollout,
        head,
        superseded: replaced.rollout,
        decisions: [replaced.decision, startDecision(T0 + 5_000, revision)],
      });
    };
    const results = await Promise.allSettled([attempt('r2', 2), attempt('r3', 2)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConflictError);
    const after = await store.getHead('dup');
    expect(after).toMatchObject({ activeRolloutId: 'dup-2', seq: 2, version: 2 });
    expect((await store.getRollout('dup-1'))?.phase).toBe('superseded');
    // The loser's decisions were not written either.
    expect((await store.listDecisions('dup-1')).map((d) => d.action)).toEqual(['start', 'supersede']);
    expect(await store.listDecisions('dup-2')).toHaveLength(1);
  });

  it('supersedes the active rollout in the same transaction, with each decision in its own history', async () => {
    const { store } = await freshStore();
    const policy = PolicySchema.parse({ stepWeights: [10, 50] });
    const first = newRollout({
      id: 'api-1',
      target: 'api',
      cluster: 'sim',
      revision: 'v1',
      image: null,
      source: { kind: 'webhook', deliveryId: 'd-1' },
      policy,
      now: T0,
    });
    await store.createRollout({ rollout: first.rollout, head: null, decisions: [first.decision] });
    const progressing = next(first.rollout, { phase: 'progressing', stepIndex: 0, canaryWeight: 10 });
    await store.saveRollout(progressing);

    const head = await store.getHead('api');
    const second = newRollout({
      id: 'api-2',
      target: 'api',
      cluster: 'sim',
      revision: 'v2',
      image: 'podinfo:6.5.2',
      source: { kind: 'github', actor: 'octocat' },
      policy,
      now: T0 + 60_000,
    });
    const replaced = supersede(progressing, 'api-2', T0 + 60_000);
    await store.createRollout({
      rollout: second.rollout,
      head,
      superseded: replaced.rollout,
      decisions: [replaced.decision, second.decision],
    });

    expect(await store.getRollout('api-1')).toEqual(replaced.rollout);
    expect(await store.getRollout('api-2')).toEqual(second.rollout);
    expect(await store.getHead('api')).toEqual({
      target: 'api',
      activeRolloutId: 'api-2',
      latestRolloutId: 'api-2',
      latestRevision: 'v2',
      seq: 2,
      version: 2,
    });
    expect(await store.listDecisions('api-1')).toEqual([first.decision, replaced.decision]);
    expect(await store.listDecisions('api-2')).toEqual([second.decision]);
    expect((await store.listActive()).map((r) => r.id)).toEqual(['api-2']);
  });

  it('creates nothing when the superseded rollout moved on meanwhile', async () => {
    const { store } = await freshStore();
    const first = await createFirst(store, 'moved');
    const head = await store.getHead('moved');
    // A tick saves the first rollout after the start read it.
    const ticked = next(first, { phase: 'progressing', stepIndex: 0, canaryWeight: 10 });
    await store.saveRollout(ticked);

    const stale = supersededBy(first, 'moved-2', T0 + 9_000);
    const rollout = pendingRollout('moved', 2, 'r2');
    await expect(
      store.createRollout({
        rollout,
        head,
        superseded: stale.rollout,
        decisions: [stale.decision, startDecision(T0 + 9_000, 'r2')],
      }),
    ).rejects.toBeInstanceOf(ConflictError);

    expect(await store.getRollout('moved-2')).toBeNull();
    expect(await store.getHead('moved')).toEqual(head);
    expect(await store.getRollout('moved-1')).toEqual(ticked);
    expect(await store.listDecisions('moved-1')).toHaveLength(1);
  });

  it('clears the head when a rollout ends, and leaves it alone when an ended rollout is saved again', async () => {
    const { store } = await freshStore();
    const first = await createFirst(store, 'done');
    const promoted = next(first, { phase: 'succeeded', canaryWeight: 0, reason: 'promoted' });
    await store.saveRollout(
      promoted,
      fullDecision(T0 + 30_000, { action: 'complete', toPhase: 'succeeded' }),
    );

    const head = await store.getHead('done');
    expect(head).toEqual({
      target: 'done',
      activeRolloutId: null,
      latestRolloutId: 'done-1',
      latestRevision: 'r1',
      seq: 1,
      version: 2,
    });
    expect(await store.listActive()).toEqual([]);

    // Remembering the Slack message of an ended rollout is an ordinary save.
    const withSlack = next(promoted, { slack: { channel: 'C0DEPLOYS', ts: '1.2' } });
    await store.saveRollout(withSlack);
    expect(await store.getRollout('done-1')).toEqual(withSlack);
    expect(await store.getHead('done')).toEqual(head);

    // The next start needs no supersede and continues the sequence.
    const second = pendingRollout('done', 2, 'r2');
    await store.createRollout({ rollout: second, head, decisions: [startDecision(T0 + 40_000, 'r2')] });
    expect(await store.getHead('done')).toMatchObject({ activeRolloutId: 'done-2', seq: 2, version: 3 });
  });

  it('does not clear a head that already points at a newer rollout', async () => {
    const { store } = await freshStore();
    const first = await createFirst(store, 'newer');
    const head = await store.getHead('newer');
    const replaced = supersededBy(first, 'newer-2', T0 + 1_000);
    await store.createRollout({
      rollout: pendingRollout('newer', 2, 'r2'),
      head,
      superseded: replaced.rollout,
      decisions: [replaced.decision],
    });
    await store.saveRollout(next(replaced.rollout, { slack: { channel: 'C1', ts: '9.9' } }));
    expect((await store.getHead('newer'))?.activeRolloutId).toBe('newer-2');
  });

  it('lists active rollouts only, due first', async () => {
    const { store } = await freshStore();
    const a = await createFirst(store, 'alpha');
    const b = await createFirst(store, 'beta');
    const c = await createFirst(store, 'gamma');
    await store.saveRollout(next(a, { nextCheckAt: T0 + 90_000, phase: 'progressing' }));
    await store.saveRollout(next(b, { nextCheckAt: T0 + 30_000, phase: 'paused', pausedFrom: 'pending' }));
    await store.saveRollout(next(c, { phase: 'failed', reason: 'canary error rate 12%' }));

    const active = await store.listActive();
    expect(active.map((r) => [r.id, r.phase])).toEqual([
      ['beta-1', 'paused'],
      ['alpha-1', 'progressing'],
    ]);
  });

  it('lists only the active rollouts whose check is due, from the index on the next check time', async () => {
    const { store } = await freshStore();
    const a = await createFirst(store, 'alpha');
    const b = await createFirst(store, 'beta');
    const c = await createFirst(store, 'gamma');
    await store.saveRollout(next(a, { nextCheckAt: T0 + 90_000, phase: 'progressing' }));
    await store.saveRollout(next(b, { nextCheckAt: T0 + 30_000, phase: 'progressing' }));
    await store.saveRollout(next(c, { nextCheckAt: T0, phase: 'failed', reason: 'canary error rate 12%' }));

    expect(await store.listDue(T0 + 29_999)).toEqual([]);
    expect((await store.listDue(T0 + 30_000)).map((r) => r.id)).toEqual(['beta-1']);
    expect((await store.listDue(T0 + 90_000)).map((r) => r.id)).toEqual(['beta-1', 'alpha-1']);
  });

  it('outbox: a finished rollout not yet published stays due in the index until it is marked published', async () => {
    const { store } = await freshStore();
    const first = await createFirst(store, 'outbox');
    const ended = next(first, {
      phase: 'failed',
      reason: 'canary error rate 12%',
      nextCheckAt: T0 + 600_000,
      updatedAt: T0 + 30_000,
      publishPending: true,
    });
    await store.saveRollout(ended, fullDecision(T0 + 30_000, { action: 'complete', toPhase: 'failed' }));
    // Due from its terminal write on, whatever its next check time said; but not active for the listings.
    expect((await store.listDue(T0 + 30_000)).map((r) => r.id)).toEqual(['outbox-1']);
    expect((await store.pageRollouts({ active: true })).rollouts).toEqual([]);
    expect((await store.getHead('outbox'))?.activeRolloutId).toBeNull();

    // A stale mark (the rollout moved on) changes nothing.
    expect(await store.markPublished({ ...ended, version: ended.version - 1 })).toBe(false);
    expect((await store.getRollout('outbox-1'))?.publishPending).toBe(true);

    expect(await store.markPublished(ended)).toBe(true);
    const published = await store.getRollout('outbox-1');
    expect(published?.publishPending).toBeUndefined();
    // No new version: a command that read this version can still write the next one.
    expect(published?.version).toBe(ended.version);
    expect(await store.listDue(T0 + 30_000)).toEqual([]);
    expect(await store.listActive()).toEqual([]);
    await store.saveRollout(next(ended, { publishPending: undefined, slack: { channel: 'C1', ts: '1.1' } }));
  });

  it('lists rollouts newest first, by target and across targets, with a limit', async () => {
    const { store } = await freshStore();
    // Eleven rollouts of one target: the tenth must sort after the ninth (numbers, not strings).
    let previous = await createFirst(store, 'web');
    for (let seq = 2; seq <= 11; seq++) {
      const head = await store.getHead('web');
      const replaced = supersededBy(previous, `web-${seq}`, T0 + seq * 1000);
      const rollout = pendingRollout('web', seq, `r${seq}`);
      await store.createRollout({
        rollout,
        head,
        superseded: replaced.rollout,
        decisions: [replaced.decision, startDecision(T0 + seq * 1000, `r${seq}`)],
      });
      previous = rollout;
    }
    await createFirst(store, 'other');

    const web = await store.listRollouts({ target: 'web' });
    expect(web.map((r) => r.id)).toEqual(Array.from({ length: 11 }, (_, i) => `web-${11 - i}`));
    expect(web.slice(1).every((r) => r.phase === 'superseded')).toBe(true);
    expect((await store.listRollouts({ target: 'web', limit: 3 })).map((r) => r.id)).toEqual([
      'web-11',
      'web-10',
      'web-9',
    ]);
    expect(await store.listRollouts({ target: 'unknown' })).toEqual([]);

    const all = await store.listRollouts({ limit: 2 });
    // `other-1` was created at T0 + 1 s; the newest are the last web rollouts.
    expect(all.map((r) => r.id)).toEqual(['web-11', 'web-10']);
    expect((await store.listRollouts()).map((r) => r.id)).toContain('other-1');
    await expect(store.listRollouts({ limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
  });

  it('keeps decisions oldest first with every field, and expires them after the retention period', async () => {
    const { store, tableName } = await freshStore();
    const first = await createFirst(store, 'hist');
    let current = first;
    const decisions = [fullDecision(T0 + 60_000)];
    // Two decisions in the same millisecond keep the order they were saved in.
    decisions.push(
      fullDecision(T0 + 120_000, { action: 'hold', rule: 'insufficient_requests', metrics: undefined }),
    );
    decisions.push(fullDecision(T0 + 120_000, { action: 'request_approval', toPhase: 'awaiting_approval' }));
    for (const decision of decisions) {
      current = next(current, { lastDecision: decision });
      await store.saveRollout(current, decision);
    }
    const expected = [
      first.lastDecision,
      ...decisions.map(({ metrics, ...rest }) => (metrics ? { ...rest, metrics } : rest)),
    ];
    expect(await store.listDecisions('hist-1')).toEqual(expected);
    expect(await store.listDecisions('hist-1', { limit: 2 })).toEqual(expected.slice(-2));

    // The first saved decision went in with version 2, first of its write.
    const key = decisionKey('hist-1', T0 + 60_000, 2, 0);
    const raw = await db.doc.send(new GetCommand({ TableName: tableName, Key: key }));
    expect(raw.Item?.at).toBe(T0 + 60_000);
    expect(raw.Item?.expiresAt).toBe(Math.floor((T0 + 60_000) / 1000) + DECISION_RETENTION_DAYS * 86_400);
  });

  it('rejects invalid input with a clear error instead of writing it', async () => {
    const { store } = await freshStore();
    const bad = { ...pendingRollout('bad', 1, 'r1'), revision: 'has spaces' };
    await expect(store.createRollout({ rollout: bad, head: null, decisions: [] })).rejects.toThrow(
      /rollout bad-1 is not a valid rollout: revision: must be letters/,
    );
    expect(await store.getRollout('bad-1')).toBeNull();

    await createFirst(store, 'busy');
    const head = await store.getHead('busy');
    await expect(
      store.createRollout({ rollout: pendingRollout('busy', 2, 'r2'), head, decisions: [] }),
    ).rejects.toThrow(/has active rollout busy-1: pass it as superseded/);
    expect(() => new DynamoDbRolloutStore({ client: db.doc, tableName: '' })).toThrow(
      /tableName is required/,
    );
  });
});

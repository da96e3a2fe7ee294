import { describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../lib/engine/engine.js';
import { signDeployRequest } from '../../lib/signatures/deploy-hmac.js';
import { signSlackRequest } from '../../lib/signatures/slack.js';
import { DynamoDbRequestLedger } from '../../lib/store/dynamodb-request-ledger.js';
import { DynamoDbRolloutStore } from '../../lib/store/dynamodb-store.js';
import { APPROVER, statusOf, useTestStack } from './stack.js';

/**
 * Replays as an attacker who captured signed requests would send them, through the HTTP gateway, the real
 * handlers and DynamoDB Local: each copy gets the first answer and changes nothing.
 */
describe('signed requests replayed inside their window', () => {
  const handle = useTestStack({ seed: 9 });
  const image = (tag: string) => `ghcr.io/stefanprodan/podinfo:${tag}`;

  /** A deploy request signed now, kept so that it can be sent again byte for byte. */
  function capturedDeploy(body: Record<string, unknown>) {
    const text = JSON.stringify(body);
    const headers = {
      'content-type': 'application/json',
      ...signDeployRequest(handle.stack.secrets.deploySecret, text, handle.clock.now()),
    };
    return () => handle.client.post('/webhooks/deploy', text, headers);
  }

  function capturedSlash(text: string) {
    const body = new URLSearchParams({
      command: '/aviary',
      text,
      user_id: APPROVER,
      team_id: 'T0AVIARY',
      api_app_id: 'A0AVIARY',
      channel_id: 'C0AVIARY',
    }).toString();
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(handle.stack.secrets.slackSigningSecret, body, handle.clock.now()),
    };
    return () => handle.client.post('/webhooks/slack', body, headers);
  }

  const head = () =>
    new DynamoDbRolloutStore({ client: handle.stack.dynamo.doc, tableName: handle.stack.tableName }).getHead(
      'podinfo',
    );

  let older: () => ReturnType<ReturnType<typeof capturedDeploy>>;
  let olderId: string;
  let newerId: string;

  it('an exact copy of an older announcement, sent after a newer revision, gets its first answer and supersedes nothing', async () => {
    const { clock } = handle;
    older = capturedDeploy({ target: 'podinfo', revision: 'rev-1', image: image('6.5.1') });
    const first = await older();
    expect(first.status).toBe(202);
    olderId = (first.body as { rollout: { id: string } }).rollout.id;

    clock.advance(30_000);
    const newer = await capturedDeploy({ target: 'podinfo', revision: 'rev-2', image: image('6.5.2') })();
    expect(newer.status).toBe(202);
    newerId = (newer.body as { rollout: { id: string } }).rollout.id;
    expect(newer.body).toMatchObject({ superseded: olderId });

    clock.advance(60_000);
    const replay = await older();
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect((await head())?.activeRolloutId).toBe(newerId);
    const status: RolloutStatus = await statusOf(handle.client, newerId);
    expect(status.phase).not.toBe('superseded');
    expect(status.revision).toBe('rev-2');
  });

  it('an older announcement signed anew is refused with 409; with force it rolls back deliberately', async () => {
    const { clock } = handle;
    // Signed 60 s before rev-2 was announced: a CI job for an older commit that finished late.
    clock.advance(-90_000);
    const late = capturedDeploy({ target: 'podinfo', revision: 'rev-0', image: image('6.5.0') });
    const forced = capturedDeploy({
      target: 'podinfo',
      revision: 'rev-0',
      image: image('6.5.0'),
      force: true,
    });
    clock.advance(90_000);
    const refused = await late();
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('an older announcement never replaces a newer one');
    expect((await head())?.activeRolloutId).toBe(newerId);

    const rolledBack = await forced();
    expect(rolledBack.status).toBe(202);
    expect(rolledBack.body).toMatchObject({ rollout: { revision: 'rev-0' }, superseded: newerId });
  });

  it('a signed /aviary pause replayed after resume does not pause the rollout again', async () => {
    const { clock, stack, client } = handle;
    const current = (await head())?.activeRolloutId;
    if (!current) throw new Error('no active rollout');
    const pause = capturedSlash(`pause ${current} looking`);
    const paused = await pause();
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect((await statusOf(client, current)).phase).toBe('paused');
    clock.advance(1_000);
    const resumed = await capturedSlash(`resume ${current}`)();
    expect(resumed.status).toBe(200);
    const afterResume = await statusOf(client, current);
    expect(afterResume.phase).not.toBe('paused');

    clock.advance(60_000);
    const replay = await pause();
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(paused.body);
    const after = await statusOf(client, current);
    expect(after.phase).toBe(afterResume.phase);
    expect(after.history).toHaveLength(afterResume.history.length);
    await stack.tick();
  });

  it('the ledger in DynamoDB: one first claim among concurrent copies, answers kept, expired claims free', async () => {
    const ledger = new DynamoDbRequestLedger({
      client: handle.stack.dynamo.doc,
      tableName: handle.stack.tableName,
    });
    const claims = await Promise.all(Array.from({ length: 8 }, () => ledger.claim('test:a', 2_000, 1_000)));
    expect(claims.filter((c) => c.kind === 'first')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in_progress')).toHaveLength(7);
    const answer = { status: 202, body: '{"ok":true}', headers: { 'content-type': 'application/json' } };
    await ledger.settle('test:a', answer);
    expect(await ledger.claim('test:a', 2_000, 1_500)).toEqual({ kind: 'replay', answer });
    // Past its expiry the record no longer counts, even before DynamoDB's TTL removes it.
    expect(await ledger.claim('test:a', 9_000, 2_001)).toEqual({ kind: 'first' });
    await ledger.release('test:a');
    expect(await ledger.claim('test:a', 9_000, 2_002)).toEqual({ kind: 'first' });
  });
});

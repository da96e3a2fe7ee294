import { describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../lib/engine/engine.js';
import type { LocalResponse } from '../../lib/local/local-client.js';
import { DynamoDbRolloutStore } from '../../lib/store/dynamodb-store.js';
import { APPROVER, deploymentIn, STRANGER, statusOf, tickUntil, useTestStack } from './stack.js';

const image = (tag: string) => `ghcr.io/stefanprodan/podinfo:${tag}`;
type CommandAnswer = { message: string; rollout: RolloutStatus };
const errorOf = (res: LocalResponse) => (res.body as { error: { code: string; message: string } }).error;

describe('commands API: POST /rollouts/{id}/commands through the real handlers', () => {
  const e2e = useTestStack({ seed: 11 });

  async function latest(): Promise<RolloutStatus> {
    const res = await e2e.client.get('/rollouts?target=podinfo&limit=1');
    const found = (res.body as { rollouts: RolloutStatus[] }).rollouts[0];
    if (!found) throw new Error('no podinfo rollout');
    return found;
  }

  async function deploy(revision: string, tag = revision): Promise<string> {
    const res = await e2e.client.deploy({ target: 'podinfo', revision, image: image(tag) });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return (res.body as { rollout: { id: string } }).rollout.id;
  }

  it('pauses, resumes and aborts; bad commands are refused with a clear 4xx and change nothing', async () => {
    const { client, stack, clock } = e2e;
    const id = await deploy('cmd-1');
    await tickUntil(stack, clock, client, id, ['progressing']);
    const before = await statusOf(client, id);

    const refusals: [Record<string, unknown>, number, RegExp][] = [
      [{ command: 'explode' }, 422, /command/],
      [{ command: 'promote' }, 422, /reason/],
      [{ command: 'pause', revision: 'cmd-0' }, 409, /revision cmd-0.*cmd-1/],
      [{ command: 'approve' }, 409, /no approval is pending/],
      [{ command: 'retry' }, 409, /only a failed rollout/],
    ];
    for (const [body, status, message] of refusals) {
      const res = await client.command(id, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(errorOf(res).message).toMatch(message);
    }
    const unknown = await client.command('podinfo-404', { command: 'pause' });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).message).toMatch(/podinfo-404/);
    const after = await statusOf(client, id);
    expect(after.phase).toBe(before.phase);
    expect(after.history).toHaveLength(before.history.length);

    const paused = await client.command(
      id,
      { command: 'pause', revision: 'cmd-1', reason: 'incident 7' },
      'alice',
    );
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect((paused.body as CommandAnswer).rollout.phase).toBe('paused');
    const resumed = await client.command(id, { command: 'resume' }, 'alice');
    expect((resumed.body as CommandAnswer).rollout.phase).toBe('progressing');
    const aborted = await client.command(id, { command: 'abort', reason: 'wrong build' }, 'bob');
    expect((aborted.body as CommandAnswer).rollout.phase).toBe('rolling_back');
    const { status } = await tickUntil(stack, clock, client, id, ['failed']);
    const byApi = status.history.filter((d) => d.actor?.startsWith('local:'));
    expect(byApi.map((d) => [d.action, d.actor])).toEqual([
      ['pause', 'local:alice'],
      ['resume', 'local:alice'],
      ['abort', 'local:bob'],
    ]);
    expect(byApi[0]?.reason).toMatch(/incident 7/);
  });

  it('promote now skips the remaining steps and the approval, audited with its reason', async () => {
    const { client, stack, clock } = e2e;
    const id = await deploy('cmd-2');
    const { status } = await tickUntil(stack, clock, client, id, ['progressing']);
    expect(status.canaryWeight).toBe(10);
    const res = await client.command(id, { command: 'promote', reason: 'hotfix for INC-42' }, 'carol');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((res.body as CommandAnswer).rollout.phase).toBe('promoting');
    const done = await tickUntil(stack, clock, client, id, ['succeeded', 'failed']);
    expect(done.status.phase).toBe('succeeded');
    // No step beyond 10 % was taken, and no approval was asked for.
    expect(done.seen.some((s) => /@(25|50)$/.test(s))).toBe(false);
    expect(done.status.history.some((d) => d.action === 'request_approval')).toBe(false);
    const promote = done.status.history.find((d) => d.rule === 'promoted_now');
    expect(promote).toMatchObject({ action: 'promote', actor: 'local:carol' });
    expect(promote?.reason).toMatch(/hotfix for INC-42/);
    expect(promote?.reason).toMatch(/25%, 50%/);
    expect(deploymentIn(stack, 'sim', 'podinfo-primary').image).toBe(image('cmd-2'));
  });

  it('approves the pending gate; a rejected rollout is retried with the same revision and image', async () => {
    const { client, stack, clock } = e2e;
    const id = await deploy('cmd-3');
    await tickUntil(stack, clock, client, id, ['awaiting_approval']);
    const approved = await client.command(id, { command: 'approve', revision: 'cmd-3' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect((approved.body as CommandAnswer).rollout.phase).toBe('promoting');
    await tickUntil(stack, clock, client, id, ['succeeded']);

    const next = await deploy('cmd-4');
    await tickUntil(stack, clock, client, next, ['awaiting_approval']);
    const rejected = await client.command(next, { command: 'reject', reason: 'not today' });
    expect((rejected.body as CommandAnswer).rollout.phase).toBe('rolling_back');
    await tickUntil(stack, clock, client, next, ['failed']);

    const retried = await client.command(next, { command: 'retry' }, 'dave');
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    const again = (retried.body as CommandAnswer).rollout;
    expect(again.id).not.toBe(next);
    expect(again).toMatchObject({ revision: 'cmd-4', image: image('cmd-4'), phase: 'pending' });
    expect(again.history[0]?.reason).toMatch(new RegExp(`retry of ${next}`));
    // Retrying the same failed rollout again is refused: the retry is now the newest.
    const twice = await client.command(next, { command: 'retry' });
    expect(twice.status).toBe(409);
    await tickUntil(stack, clock, client, again.id, ['progressing']);
    expect(deploymentIn(stack, 'sim', 'podinfo-canary').image).toBe(image('cmd-4'));
  });

  it('lists with filters and pages through every rollout exactly once', async () => {
    const { client } = e2e;
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await client.get(`/rollouts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = res.body as { rollouts: RolloutStatus[]; cursor: string | null };
      expect(page.rollouts.length).toBeLessThanOrEqual(2);
      all.push(...page.rollouts.map((r) => r.id));
      cursor = page.cursor;
    } while (cursor);
    const whole = ((await client.get('/rollouts?limit=100')).body as { rollouts: RolloutStatus[] }).rollouts;
    expect(all).toEqual(whole.map((r) => r.id));
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(5);

    const failed = ((await client.get('/rollouts?phase=failed')).body as { rollouts: RolloutStatus[] })
      .rollouts;
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed.every((r) => r.phase === 'failed')).toBe(true);
    expect(failed.map((r) => r.id)).toEqual(whole.filter((r) => r.phase === 'failed').map((r) => r.id));
    const active = (
      (await client.get('/rollouts?active=true&target=podinfo')).body as {
        rollouts: RolloutStatus[];
      }
    ).rollouts;
    expect(active.map((r) => r.id)).toEqual(
      whole.filter((r) => !['succeeded', 'failed', 'superseded'].includes(r.phase)).map((r) => r.id),
    );
    const forged = await client.get('/rollouts?cursor=eyJwayI6MX0');
    expect(forged.status).toBe(400);
    expect(errorOf(forged).message).toMatch(/cursor/);
  });

  it('Slack: /aviary promote needs a reason and an approver; /aviary retry starts the failed revision again', async () => {
    const { client, stack, clock } = e2e;
    const id = await deploy('cmd-5');
    await tickUntil(stack, clock, client, id, ['progressing']);
    const noReason = await client.slash(`promote ${id}`, APPROVER);
    expect(JSON.stringify(noReason.body)).toMatch(/give a reason/);
    const stranger = await client.slash(`promote ${id} because`, STRANGER);
    expect(stranger.status).toBe(403);
    expect((await statusOf(client, id)).phase).toBe('progressing');
    const abort = await client.slash(`abort ${id} bad`, APPROVER);
    expect(abort.status).toBe(200);
    await tickUntil(stack, clock, client, id, ['failed']);
    const retry = await client.slash(`retry ${id}`, APPROVER);
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(JSON.stringify(retry.body)).toMatch(/Retrying/);
    const retried = await latest();
    expect(retried.id).not.toBe(id);
    expect(retried.source).toMatchObject({ kind: 'slack', actor: APPROVER });
    const promoted = await client.slash(`promote ${retried.id} customer waiting`, APPROVER);
    expect(promoted.status).toBe(409); // still pending: its canary is not ready yet
    expect(JSON.stringify(promoted.body)).toMatch(/not ready/);
  });

  it('approvals are not forgotten: reminds in the message thread at half the timeout, once; on expiry the message says so and it rolls back', async () => {
    const { client, stack, clock } = e2e;
    const res = await client.deploy({ target: 'podinfo', revision: 'rem-1', image: image('rem-1') });
    const id = (res.body as { rollout: { id: string } }).rollout.id;
    const { status } = await tickUntil(stack, clock, client, id, ['awaiting_approval']);
    const approval = status.approval;
    if (!approval) throw new Error('no approval pending');
    // The rollout's own message (the one it remembers): a superseded rollout's message names this id too.
    const ref = (
      await new DynamoDbRolloutStore({ client: stack.dynamo.doc, tableName: stack.tableName }).getRollout(id)
    )?.slack;
    const message = stack.slack?.messages.find((m) => !m.threadTs && m.ts === ref?.ts);
    if (!message) throw new Error('no rollout message');
    const replies = () => stack.slack?.messages.filter((m) => m.threadTs === message.ts) ?? [];

    // Until half of the 900 s are gone, nobody is nagged.
    while (clock.now() + 30_000 < approval.expiresAt - 450_000) {
      clock.advance(30_000);
      await stack.tick();
    }
    expect(replies()).toEqual([]);
    clock.advance(60_000);
    await stack.tick();
    expect(replies()).toHaveLength(1);
    expect(replies()[0]?.channel).toBe(message.channel);
    expect(replies()[0]?.text).toMatch(
      new RegExp(`Reminder: \`${id}\` still waits for approval of the promotion of \`rem-1\``),
    );
    // Once only.
    for (let i = 0; i < 5; i++) {
      clock.advance(30_000);
      await stack.tick();
    }
    expect(replies()).toHaveLength(1);

    const expired = await tickUntil(stack, clock, client, id, ['rolling_back', 'failed']);
    expect(expired.status.history.find((d) => d.rule === 'approval_timeout')?.reason).toMatch(
      /no approval within 900s/,
    );
    expect(JSON.stringify(message.blocks)).toMatch(/no approval within 900s/);
  });
});

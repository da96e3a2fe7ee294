import { describe, expect, it } from 'vitest';
import { approvalButtonFor } from '../../lib/local/local-client.js';
import { APPROVER, deploymentIn, STRANGER, statusOf, tickUntil, useTestStack } from './stack.js';

describe('a rollout end to end: signed webhook → ticks → Slack approval → promoted, on real parts', () => {
  const e2e = useTestStack({ seed: 7 });

  it('walks the TrafficSplit through every step, waits for an approver, then promotes the canary image', async () => {
    const { stack, clock, client } = e2e;
    const image = 'ghcr.io/stefanprodan/podinfo:6.5.1';
    const started = await client.deploy({ target: 'podinfo', revision: 'rev-651', image });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = (started.body as { rollout: { id: string } }).rollout.id;

    const cluster = stack.clusters.get('sim');
    if (!cluster) throw new Error('no sim cluster');
    const target = stack.target('podinfo');

    const { status, seen } = await tickUntil(stack, clock, client, id, ['awaiting_approval', 'failed']);
    expect(status.phase).toBe('awaiting_approval');
    // Every configured weight was held in the cluster on the way.
    for (const w of [10, 25, 50]) expect(seen.some((s) => s.endsWith(`@${w}`))).toBe(true);
    expect(cluster.weightsOf(target)).toEqual({ primary: 50, canary: 50 });

    // Each step was taken on evidence: the metrics the judge saw are stored with the decision.
    const advances = status.history.filter((d) => d.action === 'advance' && d.metrics);
    expect(advances.length).toBeGreaterThanOrEqual(2);
    for (const d of advances) expect(d.metrics?.canary?.successCount).toBeGreaterThan(0);
    expect(status.lastDecision?.action).toBe('request_approval');

    const value = approvalButtonFor(stack.slack?.messages ?? [], id);
    expect(stack.slack?.messages.find((m) => approvalButtonFor([m], id))?.channel).toBe('C0DEPLOYS');
    if (!value) throw new Error('no approve button on the approval message');
    expect(value).toMatchObject({ rolloutId: id, revision: 'rev-651' });

    // Someone who is not an approver is turned away and nothing changes.
    const refused = await client.click(value, STRANGER, 'approve');
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/approver/i);
    expect((await statusOf(client, id)).phase).toBe('awaiting_approval');
    // …and told why, privately, through the interaction's response_url (not left with a bare HTTP error).
    expect(stack.slack?.responses.at(-1)?.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: expect.stringMatching(/U0STRANGER.*approver|approver.*U0STRANGER/),
    });

    const approved = await client.click(value, APPROVER, 'approve');
    expect(approved.status).toBe(200);
    const done = await tickUntil(stack, clock, client, id, ['succeeded', 'failed']);
    expect(done.status.phase).toBe('succeeded');
    // The approval is on record, bound to the rollout and revision it was asked for.
    const approval = done.status.history.find((d) => d.action === 'approve');
    expect(approval?.actor).toBe(APPROVER);
    expect(done.status.history.filter((d) => d.action === 'approve')).toHaveLength(1);

    expect(deploymentIn(stack, 'sim', 'podinfo-primary').image).toBe(image);
    expect(deploymentIn(stack, 'sim', 'podinfo-canary').replicas).toBe(0);
    // One Slack message for the whole rollout, updated in place at each transition.
    const messages =
      stack.slack?.messages.filter((m) => m.text.includes(id) || JSON.stringify(m.blocks).includes(id)) ?? [];
    expect(messages).toHaveLength(1);
    expect(messages[0]?.updates).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(messages[0]?.blocks)).toMatch(/succeeded/i);
    expect(cluster.weightsOf(target)).toEqual({ primary: 100, canary: 0 });
  });
});

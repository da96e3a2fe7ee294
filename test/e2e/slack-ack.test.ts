import { describe, expect, it } from 'vitest';
import { approvalButtonFor } from '../../lib/local/local-client.js';
import type { SlackApiDouble } from '../../lib/sim/slack-api-double.js';
import { APPROVER, STRANGER, statusOf, tickUntil, useTestStack } from './stack.js';

/**
 * Slack gives an interaction 3 seconds. Here Slack's API is stalled — it reads requests and answers none — and
 * the click must still be answered: the decision is saved first, the Slack work follows the answer. No time is
 * measured: with the Slack work before the answer, the answer could only come after Slack did.
 */
describe('Slack requests are acknowledged before any Slack API call is made', () => {
  const handle = useTestStack({ seed: 17 });
  const slack = (): SlackApiDouble => {
    if (!handle.stack.slack) throw new Error('the stack runs the Slack double');
    return handle.stack.slack;
  };

  it('an approval click is answered while Slack is stalled; the message is updated once Slack answers', async () => {
    const { stack, clock, client } = handle;
    const started = await client.deploy({
      target: 'podinfo',
      revision: 'rev-1',
      image: 'ghcr.io/stefanprodan/podinfo:6.5.1',
    });
    const id = (started.body as { rollout: { id: string } }).rollout.id;
    await tickUntil(stack, clock, client, id, ['awaiting_approval']);
    const button = approvalButtonFor(slack().messages, id);
    if (!button) throw new Error('no Approve button');
    const message = slack().messages.find((m) => JSON.stringify(m.blocks).includes(id));
    const updatesBefore = message?.updates ?? -1;

    const release = slack().stall();
    const stranger = await client.click(button, STRANGER, 'reject');
    expect(stranger.status).toBe(403);
    const approved = await client.click(button, APPROVER, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    // Both answered while Slack has answered nothing (a call made before the answer would have had to time
    // out, and the stalled double drops what its caller gave up on).
    expect(slack().responses).toEqual([]);
    expect(message?.updates).toBe(updatesBefore);
    release();
    const status = await statusOf(client, id);
    expect(status.approval).toBeNull();
    expect(status.history.at(-1)).toMatchObject({ action: 'approve', actor: APPROVER });
    await stack.followUps.idle();
    // Then the Slack work happened: the message shows the approval, the stranger heard why, privately.
    expect(message?.updates).toBe(updatesBefore + 1);
    expect(JSON.stringify(message?.blocks)).toContain(APPROVER);
    expect(slack().responses.map((r) => r.body.text)).toEqual([
      expect.stringContaining(`${STRANGER} is not an approver`),
    ]);
  }, 120_000);
});

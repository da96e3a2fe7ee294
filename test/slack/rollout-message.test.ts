import { describe, expect, it } from 'vitest';
import { decodeButtonValue } from '../../lib/slack/approval-button.js';
import { blockActionsBody } from '../../lib/slack/block-actions-body.js';
import type { ActionsBlock, Block } from '../../lib/slack/block-kit.js';
import { parseSlackBody } from '../../lib/slack/parse-slack-body.js';
import { renderRolloutMessage, VIEW_TIMELINE_ACTION_ID } from '../../lib/slack/rollout-message.js';
import { awaitingApproval, pendingRollout, TARGET } from '../functions/fixtures.js';

const actionsOf = (blocks: Block[]) => blocks.filter((b): b is ActionsBlock => b.type === 'actions');
const allText = (blocks: Block[]) => JSON.stringify(blocks);

describe('Block Kit message of a rollout', () => {
  it('shows target, revision, phase, weight and the last decision with its evidence', () => {
    const message = renderRolloutMessage(awaitingApproval(), TARGET);
    expect(message.text).toBe('podinfo abc1234: awaiting approval, canary 50%');
    const text = allText(message.blocks);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(text).toContain('podinfo → abc1234');
    expect(text).toContain('50%');
    expect(text).toContain('approval.before_promotion');
    expect(text).toContain('canary error rate 0.2% vs primary 0.3% over 1200 requests');
    expect(text).toContain('ghcr.io/stefanprodan/podinfo:6.5.1');
  });

  it('binds both buttons to the rollout id, revision and gate of the pending approval', () => {
    const rollout = awaitingApproval({
      approval: { gate: 'step:2', revision: 'abc1234', requestedAt: 0, expiresAt: 1 },
    });
    const [actions] = actionsOf(renderRolloutMessage(rollout, TARGET).blocks);
    expect(actions?.elements.map((e) => e.action_id)).toEqual(['aviary_approve', 'aviary_reject']);
    for (const button of actions?.elements ?? []) {
      expect(decodeButtonValue(button.value)).toEqual({
        rolloutId: 'podinfo-1',
        revision: 'abc1234',
        gate: 'step:2',
      });
    }
    expect(actions?.elements[1]?.confirm).toBeDefined();
  });

  it('a click on a rendered button parses back into the bound command', () => {
    const [actions] = actionsOf(renderRolloutMessage(awaitingApproval(), TARGET).blocks);
    const value = decodeButtonValue(actions?.elements[0]?.value);
    expect(value).not.toBeNull();
    if (!value) return;
    expect(
      parseSlackBody(blockActionsBody({ userId: 'U0APPROVER', decision: 'approve', value })),
    ).toMatchObject({
      ref: 'podinfo-1',
      command: { kind: 'approve', revision: 'abc1234', gate: 'promotion' },
    });
  });

  it('has no buttons when no approval is pending', () => {
    expect(actionsOf(renderRolloutMessage(pendingRollout(), TARGET).blocks)).toEqual([]);
    const succeeded = awaitingApproval({ phase: 'succeeded', approval: null, canaryWeight: 0 });
    expect(actionsOf(renderRolloutMessage(succeeded, TARGET).blocks)).toEqual([]);
  });

  it('escapes user-supplied text so it cannot mention or link', () => {
    const rollout = pendingRollout({
      source: { kind: 'webhook', actor: '<!channel>' },
      reason: 'aborted: see <https://evil.example|this> & more',
    });
    const text = allText(renderRolloutMessage(rollout, TARGET).blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;https://evil.example|this&gt; &amp; more');
  });

  it('links the rollout page with a "View timeline" button whose click carries no command', () => {
    const url = 'https://abc.execute-api.us-east-1.amazonaws.com/ui/rollouts/podinfo-1?exp=1&sig=00';
    const blocks = renderRolloutMessage(awaitingApproval(), TARGET, url).blocks;
    const [approval, view] = actionsOf(blocks);
    expect(approval?.elements.map((e) => e.action_id)).toEqual(['aviary_approve', 'aviary_reject']);
    expect(view?.elements).toEqual([
      {
        type: 'button',
        action_id: VIEW_TIMELINE_ACTION_ID,
        text: { type: 'plain_text', text: 'View timeline' },
        url,
      },
    ]);
    // Slack still posts a block_actions payload for a link button: acknowledged and ignored.
    const click = new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: 'U0APPROVER' },
        actions: [{ action_id: VIEW_TIMELINE_ACTION_ID }],
      }),
    }).toString();
    expect(parseSlackBody(click)).toMatchObject({ kind: 'ignored' });
    expect(actionsOf(renderRolloutMessage(pendingRollout(), TARGET).blocks)).toEqual([]);
    expect(actionsOf(renderRolloutMessage(pendingRollout(), TARGET, url).blocks)).toHaveLength(1);
  });
});

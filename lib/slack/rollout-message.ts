import type { ResolvedTarget } from '../model/config.js';
import type { Phase, Rollout } from '../model/rollout.js';
import { APPROVE_ACTION_ID, encodeButtonValue, REJECT_ACTION_ID } from './approval-button.js';
import type { Block, ButtonElement, SlackMessage } from './block-kit.js';
import { escapeMrkdwn, slackDate } from './mrkdwn.js';

const PHASE_EMOJI: Record<Phase, string> = {
  pending: ':hourglass_flowing_sand:',
  progressing: ':arrow_forward:',
  awaiting_approval: ':raised_hand:',
  promoting: ':rocket:',
  succeeded: ':white_check_mark:',
  rolling_back: ':rewind:',
  failed: ':x:',
  paused: ':double_vertical_bar:',
  superseded: ':fast_forward:',
};

const PHASE_LABEL: Record<Phase, string> = {
  pending: 'pending',
  progressing: 'progressing',
  awaiting_approval: 'awaiting approval',
  promoting: 'promoting',
  succeeded: 'succeeded',
  rolling_back: 'rolling back',
  failed: 'failed',
  paused: 'paused',
  superseded: 'superseded',
};

/** Slack's limit for a header block's text. */
const HEADER_MAX = 150;
/** Slack's limit for a button's URL. */
const BUTTON_URL_MAX = 3000;
/** `action_id` of the link button; its clicks carry no command. */
export const VIEW_TIMELINE_ACTION_ID = 'aviary_view_timeline';

const gateLabel = (gate: string): string =>
  gate === 'promotion'
    ? 'promotion'
    : gate === 'evidence'
      ? 'promote or roll back'
      : `step ${gate.slice('step:'.length)}`;

/**
 * A rollout's single Slack message: what it is, where it stands, the last decision with its evidence,
 * approve/reject buttons while an approval is pending (they carry the rollout id, revision and gate), and a
 * "View timeline" link button when a signed view link is given.
 */
export function renderRolloutMessage(
  rollout: Rollout,
  target: ResolvedTarget,
  viewUrl: string | null = null,
): SlackMessage {
  const phase = PHASE_LABEL[rollout.phase];
  const text = `${target.name} ${rollout.revision}: ${phase}, canary ${rollout.canaryWeight}%`;
  const title = `${PHASE_EMOJI[rollout.phase]} ${target.name} → ${rollout.revision}`;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, HEADER_MAX), emoji: true } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Phase*\n${phase}` },
        { type: 'mrkdwn', text: `*Canary weight*\n${rollout.canaryWeight}%` },
        { type: 'mrkdwn', text: `*Rollout*\n\`${rollout.id}\`` },
        { type: 'mrkdwn', text: `*Where*\n${target.cluster} / ${target.namespace} / ${target.service}` },
        ...(rollout.image
          ? [{ type: 'mrkdwn' as const, text: `*Image*\n\`${escapeMrkdwn(rollout.image)}\`` }]
          : []),
        { type: 'mrkdwn', text: `*Source*\n${sourceLabel(rollout)}` },
      ],
    },
  ];
  const decision = rollout.lastDecision;
  const askedOnEvidence = rollout.phase === 'awaiting_approval' && rollout.approval?.gate === 'evidence';
  if (askedOnEvidence && decision) {
    // The person deciding needs the evidence in plain words first; the statistics stay in the history.
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*The evidence is inconclusive*: ${escapeMrkdwn(decision.reason)}` },
    });
  } else if (decision) {
    const summary = decision.explanation?.summary ?? decision.reason;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Last decision* (\`${decision.rule}\`): ${escapeMrkdwn(summary)}` },
    });
  }
  if (rollout.freeze && !rollout.freezeOverride) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:snowflake: *Frozen* since ${slackDate(rollout.freeze.since)}: ${escapeMrkdwn(rollout.freeze.reason)}`,
      },
    });
  }
  if (rollout.freezeOverride) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Freezes lifted by <@${rollout.freezeOverride.actor}>: ${escapeMrkdwn(rollout.freezeOverride.reason)}`,
        },
      ],
    });
  }
  if (rollout.reason && rollout.reason !== decision?.reason) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Reason*: ${escapeMrkdwn(rollout.reason)}` },
    });
  }
  const approval = rollout.approval;
  if (rollout.phase === 'awaiting_approval' && approval) {
    const value = encodeButtonValue({
      rolloutId: rollout.id,
      revision: approval.revision,
      gate: approval.gate,
    });
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `Approval needed for *${gateLabel(approval.gate)}* of \`${approval.revision}\`; expires ${slackDate(approval.expiresAt)}.`,
      },
    });
    blocks.push({
      type: 'actions',
      block_id: `aviary_approval:${rollout.id}`,
      elements: approvalButtons(value, rollout),
    });
  }
  if (viewUrl && viewUrl.length <= BUTTON_URL_MAX) {
    blocks.push({
      type: 'actions',
      block_id: `aviary_view:${rollout.id}`,
      elements: [
        {
          type: 'button',
          action_id: VIEW_TIMELINE_ACTION_ID,
          text: { type: 'plain_text', text: 'View timeline' },
          url: viewUrl,
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Aviary · updated ${slackDate(rollout.updatedAt)}` }],
  });
  return { text, blocks };
}

function approvalButtons(value: string, rollout: Rollout): ButtonElement[] {
  const evidence = rollout.approval?.gate === 'evidence';
  return [
    {
      type: 'button',
      action_id: APPROVE_ACTION_ID,
      text: { type: 'plain_text', text: evidence ? 'Promote' : 'Approve' },
      style: 'primary',
      value,
    },
    {
      type: 'button',
      action_id: REJECT_ACTION_ID,
      text: { type: 'plain_text', text: evidence ? 'Roll back' : 'Reject' },
      style: 'danger',
      value,
      confirm: {
        title: { type: 'plain_text', text: 'Reject this rollout?' },
        text: { type: 'mrkdwn', text: `Rollout \`${rollout.id}\` will be rolled back to the primary.` },
        confirm: { type: 'plain_text', text: 'Reject' },
        deny: { type: 'plain_text', text: 'Cancel' },
        style: 'danger',
      },
    },
  ];
}

function sourceLabel(rollout: Rollout): string {
  const actor = rollout.source.actor ? ` by ${escapeMrkdwn(rollout.source.actor)}` : '';
  return `${rollout.source.kind}${actor}`;
}

import type { FleetRolloutStatus } from '../model/fleet-status.js';
import { APPROVE_ACTION_ID, encodeButtonValue, REJECT_ACTION_ID } from './approval-button.js';
import type { Block, SlackMessage } from './block-kit.js';
import { escapeMrkdwn } from './mrkdwn.js';

const WAVE_EMOJI: Record<FleetRolloutStatus['waves'][number]['status'], string> = {
  waiting: ':white_circle:',
  awaiting_approval: ':raised_hand:',
  running: ':arrow_forward:',
  baking: ':hourglass_flowing_sand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  skipped: ':no_entry_sign:',
  reverting: ':rewind:',
  reverted: ':leftwards_arrow_with_hook:',
};

const HEADER_MAX = 150;

/**
 * A fleet rollout's one message: a row per wave with each target's rollout, phase, weight and freezes, the last
 * decision, and approve/reject buttons for the wave waiting for approval (bound to the fleet rollout, its
 * revision and the `wave:N` gate, like a rollout's approval buttons).
 */
export function renderFleetMessage(fleet: FleetRolloutStatus): SlackMessage {
  const text = `fleet ${fleet.fleet} ${fleet.revision}: ${fleet.phase.replace('_', ' ')}, wave ${fleet.wave}/${fleet.waves.length}`;
  const blocks: Block[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `Fleet ${fleet.fleet} → ${fleet.revision}`.slice(0, HEADER_MAX),
        emoji: true,
      },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Phase*\n${fleet.phase.replace('_', ' ')}` },
        { type: 'mrkdwn', text: `*Fleet rollout*\n\`${fleet.id}\`` },
        ...(fleet.image
          ? [{ type: 'mrkdwn' as const, text: `*Image*\n\`${escapeMrkdwn(fleet.image)}\`` }]
          : []),
      ],
    },
  ];
  for (const wave of fleet.waves) {
    const targets = wave.targets
      .map((t) => {
        const where = t.rollout
          ? `\`${t.rollout}\` ${t.phase ?? '…'}${t.canaryWeight ? ` ${t.canaryWeight}%` : ''}`
          : '—';
        const frozen =
          t.freezes.length > 0 ? ` :snowflake: ${t.freezes.map((f) => escapeMrkdwn(f.name)).join(', ')}` : '';
        return `${t.target}: ${where}${frozen}`;
      })
      .join(' · ');
    const extras = [
      wave.bakeSeconds > 0 ? `bake ${wave.bakeSeconds}s` : '',
      wave.approval ? (wave.approvedBy ? `approved by <@${wave.approvedBy.actor}>` : 'needs approval') : '',
    ]
      .filter(Boolean)
      .join(', ');
    blocks.push({
      type: 'section',
      block_id: `aviary_wave:${wave.wave}`,
      text: {
        type: 'mrkdwn',
        text: `${WAVE_EMOJI[wave.status]} *Wave ${wave.wave}* ${wave.status.replace('_', ' ')}${extras ? ` (${extras})` : ''}\n${targets}`,
      },
    });
    if (wave.status === 'awaiting_approval' && fleet.phase === 'awaiting_approval') {
      const value = encodeButtonValue({
        rolloutId: fleet.id,
        revision: fleet.revision,
        gate: `wave:${wave.wave}`,
      });
      blocks.push({
        type: 'actions',
        block_id: `aviary_approval:${fleet.id}:wave:${wave.wave}`,
        elements: [
          {
            type: 'button',
            action_id: APPROVE_ACTION_ID,
            text: { type: 'plain_text', text: `Start wave ${wave.wave}` },
            style: 'primary',
            value,
          },
          {
            type: 'button',
            action_id: REJECT_ACTION_ID,
            text: { type: 'plain_text', text: 'Stop the fleet' },
            style: 'danger',
            value,
          },
        ],
      });
    }
  }
  const decision = fleet.lastDecision;
  if (decision) {
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `Last decision (\`${decision.rule}\`): ${escapeMrkdwn(decision.reason)}` },
      ],
    });
  }
  if (fleet.freezeOverride) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Freezes lifted by <@${fleet.freezeOverride.actor}>: ${escapeMrkdwn(fleet.freezeOverride.reason)}`,
        },
      ],
    });
  }
  return { text, blocks };
}

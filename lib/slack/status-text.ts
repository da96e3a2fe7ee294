import type { FleetRolloutStatus } from '../model/fleet-status.js';
import type { RolloutStatus } from '../model/rollout-status.js';
import { escapeMrkdwn } from './mrkdwn.js';

/** One mrkdwn line per rollout for `/aviary status`. */
export function statusLine(status: RolloutStatus): string {
  const step =
    status.steps.length > 0 && status.stepIndex >= 0
      ? ` (step ${status.stepIndex + 1}/${status.steps.length})`
      : '';
  const decision = status.lastDecision;
  const last = decision
    ? ` · ${decision.rule}: ${escapeMrkdwn(decision.explanation?.summary ?? decision.reason)}`
    : '';
  const approval =
    status.phase === 'awaiting_approval' && status.approval
      ? ` · awaiting approval of ${status.approval.gate}`
      : '';
  const frozen =
    status.freeze && !status.freezeOverride ? ` · :snowflake: ${escapeMrkdwn(status.freeze.reason)}` : '';
  return `\`${status.id}\` ${status.target} \`${escapeMrkdwn(status.revision)}\`: *${status.phase}*, canary ${status.canaryWeight}%${step}${approval}${frozen}${last}`;
}

/** `/aviary status <fleet rollout or fleet>`: the fleet rollout, then a line per wave. */
export function fleetStatusText(fleet: FleetRolloutStatus): string {
  const head = `\`${fleet.id}\` fleet ${fleet.fleet} \`${escapeMrkdwn(fleet.revision)}\`: *${fleet.phase}*, wave ${fleet.wave}/${fleet.waves.length}`;
  const rows = fleet.waves.map((w) => {
    const targets = w.targets
      .map((t) => {
        const frozen =
          t.freezes.length > 0 ? ` :snowflake: ${t.freezes.map((f) => escapeMrkdwn(f.name)).join(', ')}` : '';
        return `${t.target} ${t.rollout ? `\`${t.rollout}\` ${t.phase ?? ''}` : '—'}${frozen}`;
      })
      .join(' · ');
    return `• wave ${w.wave} ${w.status}: ${targets}`;
  });
  return [head, ...rows].join('\n');
}

export function statusText(statuses: RolloutStatus[]): string {
  if (statuses.length === 0) return 'No rollouts yet.';
  return statuses.map(statusLine).join('\n');
}

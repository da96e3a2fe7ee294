import type { RolloutStatus } from '../engine/engine.js';
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
  return `\`${status.id}\` ${status.target} \`${escapeMrkdwn(status.revision)}\`: *${status.phase}*, canary ${status.canaryWeight}%${step}${approval}${last}`;
}

export function statusText(statuses: RolloutStatus[]): string {
  if (statuses.length === 0) return 'No rollouts yet.';
  return statuses.map(statusLine).join('\n');
}

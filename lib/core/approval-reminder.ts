import type { Policy } from '../model/policy.js';
import type { Rollout } from '../model/rollout.js';

/**
 * A pending approval is reminded once, when half its time is left: late enough not to nag, early enough for
 * someone to act before the rollout rolls back for `approval_timeout`. Returns the rollout with the reminder
 * recorded (so it is sent once), or null when none is due.
 */
export function approvalReminderDue(rollout: Rollout, policy: Policy, now: number): Rollout | null {
  const approval = rollout.approval;
  if (rollout.phase !== 'awaiting_approval' || !approval || approval.remindedAt !== undefined) return null;
  if (now > approval.expiresAt) return null;
  const half = (policy.approval.timeoutSeconds * 1000) / 2;
  if (approval.expiresAt - now > half) return null;
  return { ...rollout, approval: { ...approval, remindedAt: now } };
}

import type { ActiveFreeze } from '../model/freeze.js';
import type { Command, Decision, Rollout } from '../model/rollout.js';
import { describeFreezes } from './active-freezes.js';
import { transition } from './transition.js';

/**
 * An approver lifts the freezes for one rollout, with a reason. The override lasts for the rest of the rollout
 * (a weekly freeze starting later does not stop it again) and is audited twice: on the rollout and as a decision
 * naming the actor, the reason and the freezes that were in force.
 */
export function unfreeze(
  rollout: Rollout,
  command: Command,
  now: number,
  freezes: readonly ActiveFreeze[],
): { rollout: Rollout; decision: Decision } | { status: 409 | 422; error: string } {
  const reason = command.reason?.trim();
  if (!reason) return { status: 422, error: 'unfreeze needs a reason: it is kept in the audit history' };
  if (rollout.freezeOverride) {
    return {
      status: 409,
      error: `rollout ${rollout.id} was already unfrozen by ${rollout.freezeOverride.actor}: ${rollout.freezeOverride.reason}`,
    };
  }
  const lifted = freezes.length > 0 ? describeFreezes(freezes) : 'no freeze in force now; none will hold it';
  return transition(
    rollout,
    now,
    { freezeOverride: { actor: command.actor, reason, at: now } },
    {
      action: 'unfreeze',
      rule: 'unfrozen',
      reason: `freeze lifted by ${command.actor}: ${reason} (${lifted})`,
      actor: command.actor,
    },
  );
}

import type { FleetAction } from '../model/fleet-action.js';
import type { FleetDecision, FleetMember, FleetRollout } from '../model/fleet-rollout.js';
import { isFleetTerminal } from '../model/fleet-rollout.js';
import type { Command } from '../model/rollout.js';
import { enterWave } from './fleet-advance.js';
import { activeMemberIds } from './fleet-members.js';
import { fleetTransition } from './fleet-transition.js';

export interface FleetCommandInput {
  fleet: FleetRollout;
  command: Command;
  /** Slack user ids allowed to act on the fleet. */
  approvers: readonly string[];
  members: readonly FleetMember[];
  now: number;
}

export type FleetCommandOutcome =
  | { ok: true; fleet: FleetRollout; decision: FleetDecision; actions: FleetAction[] }
  | { ok: false; status: 403 | 409 | 422; error: string };

const refuse = (status: 403 | 409 | 422, error: string): FleetCommandOutcome => ({
  ok: false,
  status,
  error,
});

/**
 * Commands on a fleet rollout: approve or reject the wave waiting for approval (bound to the revision and the
 * `wave:N` gate, as rollout approvals are), abort the whole fleet rollout, or lift the freezes for all of its
 * rollouts with a reason. Pausing is done per rollout.
 */
export function applyFleetCommand({
  fleet,
  command,
  approvers,
  members,
  now,
}: FleetCommandInput): FleetCommandOutcome {
  if (!approvers.includes(command.actor)) {
    return refuse(403, `${command.actor} is not an approver of fleet ${fleet.fleet}`);
  }
  if (isFleetTerminal(fleet.phase)) {
    return refuse(409, `fleet rollout ${fleet.id} is ${fleet.phase}; nothing to ${command.kind}`);
  }
  if (command.revision !== undefined && command.revision !== fleet.revision) {
    return refuse(
      409,
      `this command was for revision ${command.revision}, but fleet rollout ${fleet.id} is rolling out ${fleet.revision}`,
    );
  }
  const why = command.reason ? `: ${command.reason}` : '';
  const index = fleet.waveIndex;
  const wave = fleet.waves[index];
  switch (command.kind) {
    case 'approve':
    case 'reject': {
      if (fleet.phase !== 'awaiting_approval' || wave?.status !== 'awaiting_approval') {
        return refuse(409, `fleet rollout ${fleet.id} is ${fleet.phase}; no wave awaits approval`);
      }
      const gate = `wave:${index + 1}`;
      if (command.gate !== undefined && command.gate !== gate) {
        return refuse(409, `this request was for ${command.gate}, but the pending gate is ${gate}`);
      }
      if (command.kind === 'approve') {
        const step = enterWave(fleet, index, now, {
          reason: `wave ${index + 1} approved by ${command.actor}${why}`,
          approvedBy: {
            actor: command.actor,
            at: now,
            ...(command.reason ? { reason: command.reason } : {}),
          },
        });
        if (!step.decision) return refuse(409, `wave ${index + 1} cannot start`);
        return { ok: true, fleet: step.fleet, decision: step.decision, actions: step.actions };
      }
      const reason = `wave ${index + 1} rejected by ${command.actor}${why}`;
      const step = fleetTransition(
        fleet,
        now,
        {
          phase: 'failed',
          reason,
          waves: fleet.waves.map((w, i) => (i >= index ? { ...w, status: 'skipped' } : w)),
        },
        {
          action: 'reject',
          rule: 'rejected',
          reason: `${reason}; later waves will not start`,
          actor: command.actor,
        },
      );
      return { ok: true, ...step, actions: [{ type: 'notify' }] };
    }
    case 'abort': {
      const reason = `aborted by ${command.actor}${why}`;
      const step = fleetTransition(
        fleet,
        now,
        {
          phase: 'failed',
          reason,
          waves: fleet.waves.map((w) =>
            ['waiting', 'awaiting_approval'].includes(w.status)
              ? { ...w, status: 'skipped' }
              : w.status === 'running'
                ? { ...w, status: 'failed' }
                : w,
          ),
        },
        { action: 'abort', rule: 'aborted', reason, actor: command.actor },
      );
      const aborts: FleetAction[] = activeMemberIds(fleet, members).map((rolloutId) => ({
        type: 'abortRollout',
        rolloutId,
        reason: `fleet rollout ${fleet.id} ${reason}`,
      }));
      return { ok: true, ...step, actions: [...aborts, { type: 'notify' }] };
    }
    case 'unfreeze': {
      const reason = command.reason?.trim();
      if (!reason) return refuse(422, 'unfreeze needs a reason: it is kept in the audit history');
      if (fleet.freezeOverride) {
        return refuse(409, `fleet rollout ${fleet.id} was already unfrozen by ${fleet.freezeOverride.actor}`);
      }
      const step = fleetTransition(
        fleet,
        now,
        { freezeOverride: { actor: command.actor, reason, at: now } },
        {
          action: 'unfreeze',
          rule: 'unfrozen',
          reason: `freezes lifted for every rollout of ${fleet.id} by ${command.actor}: ${reason}`,
          actor: command.actor,
        },
      );
      // Rollouts already started inherit it now; those started later get it at their start.
      const lifts: FleetAction[] = activeMemberIds(fleet, members).map((rolloutId) => ({
        type: 'unfreezeRollout',
        rolloutId,
        actor: command.actor,
        reason,
      }));
      return { ok: true, ...step, actions: [...lifts, { type: 'notify' }] };
    }
    default:
      return refuse(409, `${command.kind} acts on one rollout; use it on a rollout of ${fleet.id}`);
  }
}

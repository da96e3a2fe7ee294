import type { Action } from '../model/action.js';
import type { ActiveFreeze } from '../model/freeze.js';
import { type Policy, stepWeightsOf } from '../model/policy.js';
import { type Command, type Decision, isTerminal, type Rollout } from '../model/rollout.js';
import { describeFreezes } from './active-freezes.js';
import { transition } from './transition.js';
import { unfreeze } from './unfreeze.js';

export interface CommandInput {
  rollout: Rollout;
  command: Command;
  policy: Policy;
  /** Slack user ids allowed to act on the rollout's target. */
  approvers: string[];
  now: number;
  /** Freezes in force for the rollout's target: an approval that would shift traffic waits for their end. */
  freezes?: readonly ActiveFreeze[];
}

export type CommandOutcome =
  | { ok: true; rollout: Rollout; decision: Decision; actions: Action[] }
  | { ok: false; status: 403 | 409 | 422; error: string };

const refuse = (status: 403 | 409 | 422, error: string): CommandOutcome => ({ ok: false, status, error });

/** Phases from which an operator may promote at once, skipping the remaining steps and analysis. */
const PROMOTABLE: readonly Rollout['phase'][] = ['progressing', 'awaiting_approval', 'paused'];

/**
 * Operator commands. Only the target's approvers may act; an approval or rejection is bound to the revision
 * and gate it was requested for, so a click on an old message can never promote a newer revision. A command
 * that sends the rollout to promoting or rolling back makes it due at once (`nextCheckAt: now`): the tick visits
 * only due rollouts, and the cluster should follow a person's decision at the next tick, not an interval later.
 */
export function applyCommand(input: CommandInput): CommandOutcome {
  const { rollout, command, policy, approvers, now } = input;
  if (command.via !== 'api' && !approvers.includes(command.actor)) {
    return refuse(403, `${command.actor} is not an approver of target ${rollout.target}`);
  }
  if (isTerminal(rollout.phase)) {
    return refuse(409, `rollout ${rollout.id} is ${rollout.phase}; nothing to ${command.kind}`);
  }
  // A command names the revision it was meant for: once the rollout is about another one, it is stale.
  const gated = command.kind === 'approve' || command.kind === 'reject';
  if (!gated && command.revision !== undefined && command.revision !== rollout.revision) {
    return refuse(
      409,
      `this ${command.kind} was for revision ${command.revision}, but rollout ${rollout.id} is of revision ${rollout.revision}`,
    );
  }
  const why = command.reason ? `: ${command.reason}` : '';
  const by = { actor: command.actor };
  switch (command.kind) {
    case 'approve':
    case 'reject': {
      const approval = rollout.approval;
      if (rollout.phase !== 'awaiting_approval' || approval === null) {
        return refuse(409, `rollout ${rollout.id} is ${rollout.phase}; no approval is pending`);
      }
      if (command.revision !== undefined && command.revision !== approval.revision) {
        return refuse(
          409,
          `this approval was requested for revision ${command.revision}, but rollout ${rollout.id} awaits revision ${approval.revision}`,
        );
      }
      if (command.gate !== undefined && command.gate !== approval.gate) {
        return refuse(409, `this request was for ${command.gate}, but the pending gate is ${approval.gate}`);
      }
      if (now > approval.expiresAt) return refuse(409, `the approval request for ${rollout.id} has expired`);
      const frozen = rollout.freezeOverride ? [] : (input.freezes ?? []);
      if (command.kind === 'approve' && frozen.length > 0) {
        return refuse(
          409,
          `target ${rollout.target} is frozen: ${describeFreezes(frozen)}; an approver can lift it with "unfreeze ${rollout.id} <reason>"`,
        );
      }
      if (command.kind === 'reject') {
        return done(
          transition(
            rollout,
            now,
            {
              phase: 'rolling_back',
              approval: null,
              nextCheckAt: now,
              reason: `rejected by ${command.actor}${why}`,
            },
            {
              action: 'reject',
              rule: 'rejected',
              reason: `rejected by ${command.actor}${why}`,
              ...by,
            },
          ),
        );
      }
      if (approval.gate === 'promotion' || approval.gate === 'evidence') {
        const what = approval.gate === 'evidence' ? ' on inconclusive evidence' : '';
        return done(
          transition(
            rollout,
            now,
            { phase: 'promoting', approval: null, progressAt: now, nextCheckAt: now },
            {
              action: 'approve',
              rule: 'approved',
              reason: `promotion of ${rollout.revision}${what} approved by ${command.actor}${why}`,
              ...by,
            },
          ),
        );
      }
      const index = Number(approval.gate.slice('step:'.length));
      const weight = stepWeightsOf(policy)[index] ?? rollout.canaryWeight;
      return done(
        transition(
          rollout,
          now,
          {
            phase: 'progressing',
            approval: null,
            stepIndex: index,
            canaryWeight: weight,
            progressAt: now,
            nextCheckAt: now + policy.intervalSeconds * 1000,
          },
          {
            action: 'approve',
            rule: 'approved',
            reason: `step to ${weight}% approved by ${command.actor}${why}`,
            ...by,
          },
        ),
      );
    }
    case 'pause':
      if (!['pending', 'progressing', 'awaiting_approval'].includes(rollout.phase)) {
        return refuse(
          409,
          `rollout ${rollout.id} is ${rollout.phase}; only a pending or progressing rollout can be paused`,
        );
      }
      return done(
        transition(
          rollout,
          now,
          { phase: 'paused', pausedFrom: rollout.phase },
          {
            action: 'pause',
            rule: 'paused',
            reason: `paused by ${command.actor}${why}`,
            ...by,
          },
        ),
      );
    case 'resume': {
      if (rollout.phase !== 'paused')
        return refuse(409, `rollout ${rollout.id} is ${rollout.phase}, not paused`);
      const phase = rollout.pausedFrom ?? 'progressing';
      // A pause must not eat into the deadline or the approval window, and the next window must be fresh.
      // …and a fresh window gets its own reminder.
      const approval =
        rollout.approval && phase === 'awaiting_approval'
          ? {
              gate: rollout.approval.gate,
              revision: rollout.approval.revision,
              requestedAt: rollout.approval.requestedAt,
              expiresAt: now + policy.approval.timeoutSeconds * 1000,
            }
          : rollout.approval;
      return done(
        transition(
          rollout,
          now,
          {
            phase,
            pausedFrom: null,
            approval,
            progressAt: now,
            nextCheckAt: now + policy.intervalSeconds * 1000,
          },
          { action: 'resume', rule: 'resumed', reason: `resumed by ${command.actor}${why}`, ...by },
        ),
      );
    }
    case 'unfreeze': {
      const step = unfreeze(rollout, command, now, input.freezes ?? []);
      return 'error' in step ? refuse(step.status, step.error) : done(step);
    }
    case 'promote': {
      // Skipping the evidence is an exception people must account for: no reason, no promotion.
      if (!command.reason?.trim())
        return refuse(422, 'promote skips the remaining steps and analysis: give a reason');
      if (!PROMOTABLE.includes(rollout.phase)) {
        const why = rollout.phase === 'pending' ? 'its canary is not ready yet' : `it is ${rollout.phase}`;
        return refuse(409, `rollout ${rollout.id} cannot be promoted now: ${why}`);
      }
      const frozenNow = rollout.freezeOverride ? [] : (input.freezes ?? []);
      if (frozenNow.length > 0) {
        return refuse(
          409,
          `target ${rollout.target} is frozen: ${describeFreezes(frozenNow)}; an approver can lift it with "unfreeze ${rollout.id} <reason>"`,
        );
      }
      return done(
        transition(
          rollout,
          now,
          { phase: 'promoting', approval: null, pausedFrom: null, progressAt: now, nextCheckAt: now },
          {
            action: 'promote',
            rule: 'promoted_now',
            reason: `promoted now by ${command.actor}, skipping ${remainingSteps(rollout, policy)}${why}`,
            ...by,
          },
        ),
      );
    }
    case 'abort':
      if (rollout.phase === 'rolling_back' || rollout.phase === 'promoting') {
        return refuse(409, `rollout ${rollout.id} is ${rollout.phase}; it can no longer be aborted`);
      }
      return done(
        transition(
          rollout,
          now,
          {
            phase: 'rolling_back',
            approval: null,
            pausedFrom: null,
            nextCheckAt: now,
            reason: `aborted by ${command.actor}${why}`,
          },
          {
            action: 'abort',
            rule: 'aborted',
            reason: `aborted by ${command.actor}${why}`,
            ...by,
          },
        ),
      );
  }
}

/** What a promote-now skips, for the audit trail. */
function remainingSteps(rollout: Rollout, policy: Policy): string {
  const left = stepWeightsOf(policy).slice(rollout.stepIndex + 1);
  const gate = policy.approval.beforePromotion ? ' and the promotion approval' : '';
  return left.length > 0
    ? `steps ${left.map((w) => `${w}%`).join(', ')}${gate}`
    : `the remaining analysis${gate}`;
}

function done(step: { rollout: Rollout; decision: Decision }): CommandOutcome {
  return { ok: true, ...step, actions: [{ type: 'notify' }] };
}

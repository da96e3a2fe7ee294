import type { Decision, Rollout } from '../model/rollout.js';

export type DecisionFields = Pick<Decision, 'action' | 'rule' | 'reason'> &
  Partial<Pick<Decision, 'actor' | 'metrics' | 'explanation'>>;

/**
 * The one way the core changes a rollout: applies `patch`, bumps the version (the store writes conditionally
 * on it) and records the decision with the phase, step and weight it was taken at.
 */
export function transition(
  rollout: Rollout,
  now: number,
  patch: Partial<Rollout>,
  fields: DecisionFields,
): { rollout: Rollout; decision: Decision } {
  const next: Rollout = { ...rollout, ...patch, version: rollout.version + 1, updatedAt: now };
  const decision: Decision = {
    at: now,
    fromPhase: rollout.phase,
    toPhase: next.phase,
    stepIndex: rollout.stepIndex,
    weight: rollout.canaryWeight,
    ...fields,
  };
  next.lastDecision = decision;
  return { rollout: next, decision };
}

/** Changes kept without a decision (judge memory, next check time): still a new version. */
export function touch(rollout: Rollout, now: number, patch: Partial<Rollout>): Rollout {
  return { ...rollout, ...patch, version: rollout.version + 1, updatedAt: now };
}

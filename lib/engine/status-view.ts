import { type Policy, stepWeightsOf } from '../model/policy.js';
import type { Decision, Rollout } from '../model/rollout.js';
import type { RolloutStatus } from './engine.js';

/** The JSON a person or a script sees for a rollout: its state, its steps and its decisions with evidence. */
export function toStatus(rollout: Rollout, policy: Policy | null, history: Decision[]): RolloutStatus {
  return {
    id: rollout.id,
    target: rollout.target,
    cluster: rollout.cluster,
    revision: rollout.revision,
    image: rollout.image,
    source: rollout.source,
    phase: rollout.phase,
    canaryWeight: rollout.canaryWeight,
    observedWeights: rollout.observedWeights,
    stepIndex: rollout.stepIndex,
    steps: policy ? stepWeightsOf(policy) : [],
    createdAt: new Date(rollout.createdAt).toISOString(),
    updatedAt: new Date(rollout.updatedAt).toISOString(),
    approval: rollout.approval,
    reason: rollout.reason,
    lastDecision: rollout.lastDecision,
    history,
  };
}

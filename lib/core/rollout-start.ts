import type { Policy } from '../model/policy.js';
import type { Decision, Rollout } from '../model/rollout.js';

export interface NewRolloutInput {
  id: string;
  target: string;
  cluster: string;
  revision: string;
  image: string | null;
  source: Rollout['source'];
  policy: Policy;
  now: number;
  retryOf?: string;
  github?: Rollout['github'];
}

/** A rollout in `pending`: the canary is being prepared; no traffic moves until it is available. */
export function newRollout(input: NewRolloutInput): { rollout: Rollout; decision: Decision } {
  const { now } = input;
  const who = input.source.actor ? ` by ${input.source.actor}` : '';
  const decision: Decision = {
    at: now,
    fromPhase: 'pending',
    toPhase: 'pending',
    stepIndex: -1,
    weight: 0,
    action: 'start',
    rule: 'deploy_event',
    reason: input.retryOf
      ? `retry of ${input.retryOf} (revision ${input.revision})${who}`
      : `revision ${input.revision} announced${who} (${input.source.kind})`,
    ...(input.source.actor ? { actor: input.source.actor } : {}),
  };
  const rollout: Rollout = {
    id: input.id,
    target: input.target,
    cluster: input.cluster,
    revision: input.revision,
    image: input.image,
    source: input.source,
    phase: 'pending',
    stepIndex: -1,
    canaryWeight: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
    progressAt: now,
    nextCheckAt: now,
    failedChecks: 0,
    approval: null,
    pausedFrom: null,
    reason: null,
    lastDecision: decision,
    slack: null,
    observedWeights: null,
    ...(input.retryOf ? { retryOf: input.retryOf } : {}),
    ...(input.github ? { github: input.github } : {}),
  };
  return { rollout, decision };
}

/** A newer revision of the same target replaces this rollout; its traffic goes back to the primary. */
export function supersede(
  rollout: Rollout,
  byId: string,
  now: number,
): { rollout: Rollout; decision: Decision } {
  const decision: Decision = {
    at: now,
    fromPhase: rollout.phase,
    toPhase: 'superseded',
    stepIndex: rollout.stepIndex,
    weight: rollout.canaryWeight,
    action: 'supersede',
    rule: 'newer_revision',
    reason: `superseded by ${byId}`,
  };
  return {
    rollout: {
      ...rollout,
      phase: 'superseded',
      canaryWeight: 0,
      approval: null,
      reason: `superseded by ${byId}`,
      version: rollout.version + 1,
      updatedAt: now,
      lastDecision: decision,
    },
    decision,
  };
}

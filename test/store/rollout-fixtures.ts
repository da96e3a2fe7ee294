import type { Decision, Rollout } from '../../lib/model/rollout.js';

export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

/** A decision carrying every optional part: actor, the metrics window (with nulls) and the judge's explanation. */
export function fullDecision(at: number, patch: Partial<Decision> = {}): Decision {
  return {
    at,
    fromPhase: 'progressing',
    toPhase: 'progressing',
    stepIndex: 1,
    weight: 30,
    action: 'advance',
    rule: 'judge.pass',
    reason: 'canary as good as primary at 30%',
    actor: 'U024BE7LH',
    metrics: {
      windowSeconds: 60,
      canary: { successCount: 297, failureCount: 3, p50Ms: 41.5, p99Ms: null },
      primary: null,
    },
    explanation: {
      judge: 'aviary',
      rule: 'sprt.accept',
      summary: 'likelihood ratio crossed the accept bound',
      inputs: { canaryErrors: 3, primaryErrors: null, ratio: 0.0125 },
      statistic: { name: 'llr', value: -3.2 },
      bound: { name: 'accept', value: -2.94 },
    },
    ...patch,
  };
}

export function startDecision(at: number, revision: string): Decision {
  return {
    at,
    fromPhase: 'pending',
    toPhase: 'pending',
    stepIndex: -1,
    weight: 0,
    action: 'start',
    rule: 'deploy_event',
    reason: `revision ${revision} announced (cli)`,
  };
}

/** A rollout just started: every nullable field null, no judge state. */
export function pendingRollout(target: string, seq: number, revision: string, at = T0 + seq * 1000): Rollout {
  return {
    id: `${target}-${seq}`,
    target,
    cluster: 'sim',
    revision,
    image: null,
    source: { kind: 'cli' },
    phase: 'pending',
    stepIndex: -1,
    canaryWeight: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
    progressAt: at,
    nextCheckAt: at,
    failedChecks: 0,
    approval: null,
    pausedFrom: null,
    reason: null,
    lastDecision: startDecision(at, revision),
    slack: null,
    observedWeights: null,
  };
}

/** The next version of `rollout` with `patch` applied, as the core hands it to saveRollout. */
export function next(rollout: Rollout, patch: Partial<Rollout> = {}): Rollout {
  return { ...rollout, updatedAt: rollout.updatedAt + 1, ...patch, version: rollout.version + 1 };
}

export function supersededBy(
  rollout: Rollout,
  byId: string,
  at: number,
): { rollout: Rollout; decision: Decision } {
  const decision: Decision = {
    at,
    fromPhase: rollout.phase,
    toPhase: 'superseded',
    stepIndex: rollout.stepIndex,
    weight: rollout.canaryWeight,
    action: 'supersede',
    rule: 'newer_revision',
    reason: `superseded by ${byId}`,
  };
  return {
    rollout: next(rollout, {
      phase: 'superseded',
      canaryWeight: 0,
      reason: `superseded by ${byId}`,
      lastDecision: decision,
    }),
    decision,
  };
}

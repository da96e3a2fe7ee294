import type { Judge, JudgeResult } from '../../lib/model/judge.js';
import type { ClusterView, DeploymentView, MetricsWindow } from '../../lib/model/observation.js';
import { type Policy, type PolicyInput, PolicySchema } from '../../lib/model/policy.js';

export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

export const policyOf = (input: Partial<PolicyInput> = {}): Policy =>
  PolicySchema.parse({
    stepWeights: [10, 30, 50],
    intervalSeconds: 60,
    progressDeadlineSeconds: 600,
    ...input,
  });

export function deployment(name: string, patch: Partial<DeploymentView> = {}): DeploymentView {
  return {
    name,
    exists: true,
    image: 'podinfo:6.5.0',
    podSpecHash: `hash-${name}`,
    replicas: 2,
    readyReplicas: 2,
    updatedReplicas: 2,
    availableReplicas: 2,
    available: true,
    ...patch,
  };
}

export function viewOf(canaryWeight: number, patch: Partial<ClusterView> = {}): ClusterView {
  return {
    weights: { primary: 100 - canaryWeight, canary: canaryWeight },
    primary: deployment('podinfo-primary'),
    canary: deployment('podinfo-canary', { image: 'podinfo:6.5.1', podSpecHash: 'hash-new' }),
    ...patch,
  };
}

/** Healthy-looking traffic split exactly by the weight. */
export function windowOf(canaryWeight: number, total = 1000, canaryFailures = 0): MetricsWindow {
  const canary = Math.round((total * canaryWeight) / 100);
  const primary = total - canary;
  return {
    windowSeconds: 60,
    canary: canary
      ? { successCount: canary - canaryFailures, failureCount: canaryFailures, p50Ms: 40, p99Ms: 180 }
      : null,
    primary: primary ? { successCount: primary, failureCount: 0, p50Ms: 40, p99Ms: 180 } : null,
  };
}

/** A judge that answers from a script, recording what it was asked: isolates the core from the statistics. */
export function scriptedJudge(
  verdicts: Array<JudgeResult['verdict'] | 'rollback'>,
): Judge & { calls: number[] } {
  const calls: number[] = [];
  const judge: Judge = (input) => {
    calls.push(input.stepIndex);
    const v = verdicts.shift() ?? 'pass';
    const rollback = v === 'rollback';
    return {
      verdict: rollback ? 'fail' : v,
      rollback,
      state: { seen: ((input.state?.seen as number | undefined) ?? 0) + 1 },
      explanation: { judge: 'aviary', rule: `scripted.${v}`, summary: `scripted ${v}`, inputs: {} },
    };
  };
  return Object.assign(judge, { calls });
}

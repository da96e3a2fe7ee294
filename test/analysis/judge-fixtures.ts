import type { Judge, JudgeResult, JudgeState } from '../../lib/model/judge.js';
import type { MetricsWindow, WorkloadWindow } from '../../lib/model/observation.js';
import { type Policy, type PolicyInput, PolicySchema } from '../../lib/model/policy.js';

export const policyOf = (input: Partial<PolicyInput> = {}): Policy =>
  PolicySchema.parse({ stepWeights: [5, 10, 20, 40, 60], intervalSeconds: 60, ...input });

/** A workload's window: requests, failures and latency quantiles. */
export function side(requests: number, failures: number, p99Ms = 180, p50Ms = 40): WorkloadWindow {
  return { successCount: requests - failures, failureCount: failures, p50Ms, p99Ms };
}

export function windowOf(
  canary: WorkloadWindow | null,
  primary: WorkloadWindow | null,
  windowSeconds = 60,
): MetricsWindow {
  return { windowSeconds, canary, primary };
}

/** Feeds windows to a judge, carrying its state, and returns every result. */
export function feed(
  judge: Judge,
  policy: Policy,
  windows: MetricsWindow[],
  stepIndex = 0,
  start?: JudgeState,
): JudgeResult[] {
  let state = start;
  const weight = policy.stepWeights?.[stepIndex] ?? 10;
  return windows.map((window) => {
    const result = judge({ window, policy, stepIndex, weight, state });
    state = result.state;
    return result;
  });
}

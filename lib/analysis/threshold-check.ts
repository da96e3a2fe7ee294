import type { WorkloadWindow } from '../model/observation.js';
import type { Policy } from '../model/policy.js';
import { requestsOf, successRatePercent } from './workload-counts.js';

/** One window against fixed thresholds, as Flagger's and Argo's metric checks see it. */
export type ThresholdCheck =
  | { outcome: 'no_data'; reason: string }
  | { outcome: 'failed'; rule: 'success_rate' | 'latency'; reason: string; value: number; limit: number }
  | { outcome: 'passed'; successRate: number; p99Ms: number };

export function checkThresholds(canary: WorkloadWindow | null, checks: Policy['checks']): ThresholdCheck {
  const n = requestsOf(canary);
  const successRate = successRatePercent(canary);
  if (!canary || n === 0 || successRate === null)
    return { outcome: 'no_data', reason: 'no canary requests in the window' };
  if (successRate < checks.minSuccessRate) {
    return {
      outcome: 'failed',
      rule: 'success_rate',
      reason: `success rate ${successRate.toFixed(2)}% < ${checks.minSuccessRate}% (${Math.round(n)} requests)`,
      value: successRate,
      limit: checks.minSuccessRate,
    };
  }
  if (canary.p99Ms === null) return { outcome: 'no_data', reason: 'no p99 latency for the canary' };
  if (canary.p99Ms > checks.maxP99LatencyMs) {
    return {
      outcome: 'failed',
      rule: 'latency',
      reason: `p99 ${canary.p99Ms.toFixed(0)}ms > ${checks.maxP99LatencyMs}ms`,
      value: canary.p99Ms,
      limit: checks.maxP99LatencyMs,
    };
  }
  return { outcome: 'passed', successRate, p99Ms: canary.p99Ms };
}

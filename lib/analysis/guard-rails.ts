import type { WorkloadWindow } from '../model/observation.js';
import type { Policy } from '../model/policy.js';
import { regularizedBeta } from './beta.js';
import { normalCdf, normalQuantile } from './normal.js';
import { expectedNormalOrderStatistic, nearestRank } from './sample-quantile.js';
import { requestsOf } from './workload-counts.js';

export interface GuardRailBreach {
  rule: 'guardrail.success_rate' | 'guardrail.p99_latency';
  summary: string;
  /** Probability of a window at least this bad from a canary sitting exactly on the guard-rail. */
  pValue: number;
  observed: number;
  limit: number;
}

const Z99 = normalQuantile(0.99);

/**
 * Guard-rails judge one window alone, before any history could show whether failures come in bursts, so their
 * error p-value allows bursts: failures arrive in bursts of geometric size with mean GUARD_RAIL_BURST_MEAN, at the
 * limit's long-run rate (a compound Poisson count), and the p-value is the Chernoff bound on its upper tail, which
 * is never below the exact tail. A window breaches only at p ≤ α / GUARD_RAIL_WINDOWS: a rollout runs up to about a
 * hundred windows, so over a whole rollout the guard-rail's false breaches stay near α (a union bound). A broken
 * canary (20% errors over a few dozen requests and up) still fails at once; smaller regressions are the comparative
 * test's job.
 */
export const GUARD_RAIL_BURST_MEAN = 5;
export const GUARD_RAIL_WINDOWS = 100;

/** Chernoff bound on P(F ≥ f) for F compound Poisson: Poisson(λ) bursts, geometric sizes of mean m. */
export function burstyUpperTail(failures: number, expectedFailures: number, meanSize: number): number {
  if (failures <= expectedFailures) return 1;
  const lambda = expectedFailures / meanSize;
  const q = 1 - 1 / meanSize;
  // ln E[e^{tF}] = λ(G(e^t) − 1) with G(z) = z / (m − (m − 1) z), finite for e^t < 1/q.
  const cgf = (t: number): number => {
    const z = Math.exp(t);
    return lambda * (z / (meanSize - (meanSize - 1) * z) - 1);
  };
  const limit = q > 0 ? -Math.log(q) : 50;
  let best = 0;
  let lo = 0;
  let hi = limit * (1 - 1e-9);
  // t·f − cgf(t) is concave in t: golden-section search for its maximum.
  for (let i = 0; i < 80; i++) {
    const a = lo + (hi - lo) * 0.382;
    const b = lo + (hi - lo) * 0.618;
    const fa = a * failures - cgf(a);
    const fb = b * failures - cgf(b);
    best = Math.max(best, fa, fb);
    if (fa < fb) lo = a;
    else hi = b;
  }
  return Math.min(1, Math.exp(-best));
}

/**
 * The absolute limits of `policy.checks`, judged on one window. A breach counts only with at least `minRequests`
 * requests and when the window is improbable (p ≤ `alpha`) for a canary exactly on the limit, so two failures
 * out of twenty never roll a healthy canary back.
 */
export function checkGuardRails(
  canary: WorkloadWindow | null,
  checks: Policy['checks'],
  alpha: number,
): GuardRailBreach | null {
  const n = requestsOf(canary);
  if (!canary || n === 0 || n < checks.minRequests) return null;
  return successRateBreach(canary, n, checks, alpha) ?? latencyBreach(canary, n, checks, alpha);
}

function successRateBreach(
  canary: WorkloadWindow,
  n: number,
  checks: Policy['checks'],
  alpha: number,
): GuardRailBreach | null {
  const observed = (canary.successCount / n) * 100;
  if (observed >= checks.minSuccessRate) return null;
  const budget = 1 - checks.minSuccessRate / 100;
  const pValue = budget <= 0 ? 0 : burstyUpperTail(canary.failureCount, n * budget, GUARD_RAIL_BURST_MEAN);
  if (pValue > alpha / GUARD_RAIL_WINDOWS) return null;
  return {
    rule: 'guardrail.success_rate',
    summary:
      `canary success rate ${observed.toFixed(2)}% over ${Math.round(n)} requests is below the ${checks.minSuccessRate}% guard-rail ` +
      `(p ≤ ${pValue.toPrecision(2)} for a canary on the limit, even with failures in bursts)`,
    pValue,
    observed,
    limit: checks.minSuccessRate,
  };
}

function latencyBreach(
  canary: WorkloadWindow,
  n: number,
  checks: Policy['checks'],
  alpha: number,
): GuardRailBreach | null {
  const { p50Ms: p50, p99Ms: p99 } = canary;
  const limit = checks.maxP99LatencyMs;
  if (p99 === null || p50 === null || p99 <= limit || p50 <= 0 || p99 <= p50) return null;
  const count = Math.round(n);
  const k = nearestRank(0.99, count);
  const spread =
    expectedNormalOrderStatistic(k, count) - expectedNormalOrderStatistic(nearestRank(0.5, count), count);
  if (!(spread > 0)) return null;
  // Log-normal shape from the window's own quantiles; then how likely is a p99 this high if the true p99 were
  // the limit? The window's p99 is the k-th of n draws: its uniform rank is Beta(k, n + 1 − k).
  const sigma = Math.log(p99 / p50) / spread;
  const rank = normalCdf(Z99 + Math.log(p99 / limit) / sigma);
  const pValue = 1 - regularizedBeta(rank, k, count + 1 - k);
  if (pValue > alpha) return null;
  return {
    rule: 'guardrail.p99_latency',
    summary:
      `canary p99 ${p99.toFixed(0)}ms over ${count} requests is above the ${limit}ms guard-rail ` +
      `(p = ${pValue.toPrecision(2)} for a canary on the limit)`,
    pValue,
    observed: p99,
    limit,
  };
}

import type { WorkloadWindow } from '../model/observation.js';
import { normalOrderStatisticGrid, orderStatisticDifferenceLogDensity } from './order-statistic.js';
import { expectedNormalOrderStatistic, nearestRank } from './sample-quantile.js';
import { requestsOf } from './workload-counts.js';

/** Below this many requests a window's p99 is its slowest request or close to it: one outlier decides it. */
export const LATENCY_MIN_REQUESTS = 100;

export interface LatencyEvidence {
  /** ln likelihood ratio of each alternative (canary latencies = primary's × e^shift) against "same latency". */
  logLikelihoodRatios: number[];
  /** ln(canary p99 / primary p99). */
  logRatio: number;
  sigma: number;
}

/**
 * σ of ln latency from one primary window's p50 and p99, each taken at the level its rank sits at on average
 * (the p99 of 150 requests is not the true p99). null without usable quantiles.
 */
export function primaryLogSigma(primary: WorkloadWindow | null): number | null {
  const n = Math.round(requestsOf(primary));
  if (!primary || n < LATENCY_MIN_REQUESTS || primary.p50Ms === null || primary.p99Ms === null) return null;
  if (!(primary.p50Ms > 0 && primary.p99Ms > primary.p50Ms)) return null;
  const spread =
    expectedNormalOrderStatistic(nearestRank(0.99, n), n) -
    expectedNormalOrderStatistic(nearestRank(0.5, n), n);
  return Math.log(primary.p99Ms / primary.p50Ms) / spread;
}

/**
 * One window's evidence that the canary's p99 is higher than the primary's.
 *
 * Windows carry only quantiles, so latencies are taken to be log-normal, with σ fitted to the primary's p50 and
 * p99 and pooled over the rollout's windows (`sigma`: one window's fit is too noisy and would be mistaken for
 * evidence). A window's p99 is the ⌈0.99·n⌉-th of its n latencies; in log space it is μ + σ·Z₍ₖ₎ with Z₍ₖ₎ the k-th
 * of n standard normals, whose exact law is known (order-statistic.ts). So ln(canary p99 / primary p99) / σ is
 * the difference of two such order statistics — shifted by ln(1 + margin)/σ if the canary is slower. That law
 * accounts for each side's request count: the smaller side's p99 sits lower and scatters more, and a single
 * slow request among 120 is not mistaken for a regression. null when either side has too few requests.
 */
export function latencyEvidence(
  canary: WorkloadWindow | null,
  primary: WorkloadWindow | null,
  shifts: readonly number[],
  sigma: number,
): LatencyEvidence | null {
  const nC = Math.round(requestsOf(canary));
  const nP = Math.round(requestsOf(primary));
  if (!canary || !primary || nC < LATENCY_MIN_REQUESTS || nP < LATENCY_MIN_REQUESTS || !(sigma > 0))
    return null;
  const canaryP99 = canary.p99Ms;
  const primaryP99 = primary.p99Ms;
  if (canaryP99 === null || primaryP99 === null || !(canaryP99 > 0 && primaryP99 > 0)) return null;
  const kC = nearestRank(0.99, nC);
  const kP = nearestRank(0.99, nP);
  const logRatio = Math.log(canaryP99 / primaryP99);
  const primaryGrid = normalOrderStatisticGrid(kP, nP);
  const density = (shift: number): number =>
    orderStatisticDifferenceLogDensity((logRatio - shift) / sigma, kC, nC, primaryGrid);
  const same = density(0);
  return { logLikelihoodRatios: shifts.map((s) => density(s) - same), logRatio, sigma };
}

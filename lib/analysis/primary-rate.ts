import type { Counts } from './counts.js';

/** Weight of the prior, in requests: after one window of a busy primary its own data dominate. */
export const PRIOR_REQUESTS = 500;

/**
 * The primary's error rate from its requests so far (plus `extra` pseudo-observations), shrunk toward a prior: a
 * healthy primary fails about a tenth as often as the guard-rail allows (`budget` = 1 − minSuccessRate). The
 * prior only matters while the primary has served few requests; it keeps one early failure (or none) from making
 * the estimate 0 or 50%.
 */
export function primaryRateEstimate(
  primary: Counts,
  budget: number,
  extra: Counts = { requests: 0, failures: 0 },
): number {
  const priorMean = Math.max(budget / 10, 1e-5);
  return (
    (primary.failures + extra.failures + priorMean * PRIOR_REQUESTS) /
    (primary.requests + extra.requests + PRIOR_REQUESTS)
  );
}

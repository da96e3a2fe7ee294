import type { SequentialTest } from './aviary-judge-state.js';

/**
 * Alternatives the rollback test bets on, as multiples of the policy's margin, with their prior weights. A
 * mixture of likelihood ratios is itself a likelihood ratio, so betting on several regression sizes keeps the
 * false-rollback bound while catching a 20× regression nearly as fast as a test built for exactly that size.
 */
export const ERROR_ALTERNATIVES = [
  { scale: 1, weight: 0.5 },
  { scale: 4, weight: 0.3 },
  { scale: 16, weight: 0.2 },
] as const;
export const LATENCY_ALTERNATIVES = [
  { scale: 1, weight: 0.6 },
  { scale: 4, weight: 0.4 },
] as const;
/** Share of the false-rollback budget spent on error-rate regressions; the rest goes to latency. */
export const ERROR_SHARE = 0.85;
/** Share spent on the test that runs from the first window; the rest is split over the tests started per step. */
export const FIRST_TEST_SHARE = 0.8;

export interface RollbackEvidence {
  /** Mixture likelihood ratio: under a canary as good as the primary, P(it ever reaches 1/α) ≤ α. */
  total: number;
  errors: number;
  latency: number;
}

/**
 * Combines the sequential tests into one mixture likelihood ratio. Each test is a nonnegative martingale with
 * mean 1 when the canary is as good as the primary (started at its step, constant 1 before); so is any weighted
 * average of them with weights summing to at most 1, and Ville's inequality bounds the chance that it ever
 * crosses 1/α by α — over the whole rollout, at whatever window the judge stops.
 */
export function rollbackEvidence(tests: readonly SequentialTest[], stepCount: number): RollbackEvidence {
  let errors = 0;
  let latency = 0;
  const first = stepCount > 1 ? FIRST_TEST_SHARE : 1;
  const later = stepCount > 1 ? (1 - FIRST_TEST_SHARE) / (stepCount - 1) : 0;
  tests.forEach((test, i) => {
    const w = i === 0 ? first : later;
    ERROR_ALTERNATIVES.forEach((alt, k) => {
      errors += w * ERROR_SHARE * alt.weight * Math.exp(test.errors[k] ?? 0);
    });
    LATENCY_ALTERNATIVES.forEach((alt, k) => {
      latency += w * (1 - ERROR_SHARE) * alt.weight * Math.exp(test.latency[k] ?? 0);
    });
  });
  return { total: errors + latency, errors, latency };
}

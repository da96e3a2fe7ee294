import type { Counts } from './counts.js';
import { PRIOR_REQUESTS, primaryRateEstimate } from './primary-rate.js';
import { bernoulliLogLikelihoodRatio } from './sprt.js';

/** The largest regression (in margins) a step must rule out before traffic goes up. */
export const MAX_EXCLUSION_SCALE = 16;

/**
 * Regression size, in multiples of the margin, that must be ruled out before the canary leaves step `stepIndex`:
 * twice the ratio of the last step's weight to the next step's, capped at 16 — and the margin itself before
 * promotion. A regression of (last / next) × margin at the next weight fails as many requests per second as a
 * margin-sized one at full exposure, so the harm the evidence still allows is about the same at every step
 * (the factor 2 lets a quiet canary climb while evidence builds). At 5% the canary only has to show it is not
 * grossly broken; exposure grows with the evidence rather than with the clock.
 */
export function exclusionScale(weights: readonly number[], stepIndex: number): number {
  const last = weights[weights.length - 1] ?? 100;
  const next = weights[stepIndex + 1];
  if (next === undefined) return 1;
  return Math.min(MAX_EXCLUSION_SCALE, Math.max(1, (2 * last) / next));
}

/**
 * Regression sizes (in margins) whose two-sample evidence is kept over the whole rollout, for advancing and
 * promoting: each step rules out the largest of them at or below its exclusion scale (ruling out a smaller regression
 * takes more evidence, so a step never asks for less than the schedule says).
 */
export const ACCEPTANCE_SCALES = [1, 2, 3, 4, 6, 8, 12, 16] as const;

/** Index in ACCEPTANCE_SCALES of the largest size at or below `scale`. */
export function acceptanceIndex(scale: number): number {
  let index = 0;
  ACCEPTANCE_SCALES.forEach((c, i) => {
    if (c <= scale) index = i;
  });
  return index;
}

export interface WindowAcceptanceInput {
  canary: Counts;
  /** This window's primary; null when it had no data. */
  primary: Counts | null;
  /** The primary's counts over the earlier windows. */
  primaryHistory: Counts;
  /** Error rate the guard-rail allows (1 − minSuccessRate), for the prior of the primary's rate. */
  budget: number;
  margin: number;
  scales: readonly number[];
  /** Upper estimate of the failures' mean burst size (failure-dispersion.ts); 1 for independent failures. */
  burstMean: number;
}

/**
 * One window's evidence that the canary is not worse than the primary by c × margin, for each c: Wald's Bernoulli
 * log-likelihood ratio of the canary's counts, with the primary's rate taken from the same window — its own
 * requests, steadied by the earlier windows' rate as PRIOR_REQUESTS pseudo-requests. Two-sample: a shared error
 * rate that drifts moves both sides' reference together, as in the rollback test, so the drift is not mistaken
 * for the canary's doing. Successes count, which is what lets a quiet canary be promoted.
 *
 * With bursts the canary's failures carry less information (a window's count has (2m − 1) times the variance), so
 * the ratio is divided by 2m − 1, the quasi-likelihood's dispersion.
 */
export function windowAcceptanceLogLikelihoodRatios(input: WindowAcceptanceInput): number[] {
  const { canary, primary, primaryHistory, budget, margin, scales, burstMean } = input;
  const history = primaryRateEstimate(primaryHistory, budget);
  const p0 =
    primary && primary.requests > 0
      ? (primary.failures + PRIOR_REQUESTS * history) / (primary.requests + PRIOR_REQUESTS)
      : history;
  const dispersion = 2 * Math.max(1, burstMean) - 1;
  const failures = Math.round(canary.failures);
  const successes = Math.max(0, Math.round(canary.requests) - failures);
  return scales.map(
    (c) =>
      bernoulliLogLikelihoodRatio(failures, successes, p0, Math.min(p0 + c * margin, 0.999)) / dispersion,
  );
}

import type { Counts } from './counts.js';
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

export interface Acceptance {
  /** ln likelihood ratio of "canary error rate = p1" against "= p0" over the whole rollout. */
  logLikelihoodRatio: number;
  p0: number;
  p1: number;
}

/**
 * Evidence that the canary is not worse than the primary by `scale` × `margin`, over the whole rollout: Wald's
 * SPRT of the canary's failures against `primaryRate`, the primary's rate estimated from all its requests so far
 * (primary-rate.ts). Successes count here, which is what lets a quiet canary be promoted.
 */
export function acceptanceEvidence(
  canary: Counts,
  primaryRate: number,
  margin: number,
  scale: number,
): Acceptance {
  const p0 = primaryRate;
  const p1 = Math.min(p0 + scale * margin, 0.999);
  return {
    logLikelihoodRatio: bernoulliLogLikelihoodRatio(
      canary.failures,
      canary.requests - canary.failures,
      p0,
      p1,
    ),
    p0,
    p1,
  };
}

export interface Lean extends Acceptance {
  /** The margin-sized SPRT's log-likelihood ratio is above 0: the data favour the regression. */
  leans: boolean;
}

/**
 * Whether the canary's whole-rollout failures favour a margin-sized regression over "as good as the primary":
 * the promotion test's statistic (the same SPRT with scale 1) is above 0, i.e. its likelihood ratio is above 1.
 *
 * Such a canary is not given more traffic, even once its step's (larger) regression is ruled out. The reason is
 * statistical, not only harm: the rollback test is paired (error-evidence.ts), and what one canary request tells
 * it shrinks as the canary's weight grows, because the window's primary — the only reference a shared, moving
 * error rate allows — serves a smaller share of the traffic. Per canary request, the conditional test's
 * information is F·KL(π₁‖π₀), with F the failures per canary request on both sides, π₀ = w the canary's share
 * of failures under the null and π₁ its share under the alternative: for 0.1% against 1% that is 87% of what a
 * test knowing the primary’s rate gets at 5% weight, 77% at 10%, 61% at 20% and 23% at 60%. A suspected
 * regression is therefore settled fastest, in canary requests and in failed requests, where it already is.
 *
 * This only decides whether to advance. Rollback is unchanged: a hold never adds to the rollback evidence, and
 * the exact paired test stays a nonnegative martingale under a canary as good as the primary whatever weights the
 * judge chose from earlier windows, so the false-rollback bound of Ville's inequality is untouched.
 */
export function leansTowardRegression(canary: Counts, primaryRate: number, margin: number): Lean {
  const evidence = acceptanceEvidence(canary, primaryRate, margin, 1);
  return { ...evidence, leans: evidence.logLikelihoodRatio > 0 };
}

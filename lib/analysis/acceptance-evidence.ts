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

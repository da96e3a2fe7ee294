import { bernoulliKl, waldBounds } from './sprt.js';

/**
 * Wald's approximation of the expected number of observations an SPRT with error rates α, β needs when the
 * alternative is true, given the information (KL divergence, nats) each observation carries: no sequential test
 * with the same error rates does better on average (Wald–Wolfowitz).
 */
export function expectedSampleSizeUnderAlternative(
  klPerObservation: number,
  alpha: number,
  beta: number,
): number {
  if (!(klPerObservation > 0)) return Number.POSITIVE_INFINITY;
  const { upper, lower } = waldBounds(alpha, beta);
  return ((1 - beta) * upper + beta * lower) / klPerObservation;
}

export interface BernoulliSprt {
  /** Rate under the null (the primary's error rate). */
  p0: number;
  /** Rate under the alternative. */
  p1: number;
  alpha: number;
  beta: number;
}

/** Canary requests the optimal SPRT of p0 against the true rate p1 needs on average (Wald). */
export function bernoulliOptimalSampleSize({ p0, p1, alpha, beta }: BernoulliSprt): number {
  return expectedSampleSizeUnderAlternative(bernoulliKl(p1, p0), alpha, beta);
}

/**
 * Wald's operating characteristic and expected sample size of the SPRT of p0 vs p1 when the true rate is p:
 * L(p) = (A^h − 1) / (A^h − B^h) with h ≠ 0 solving p·(p1/p0)^h + (1−p)·((1−p1)/(1−p0))^h = 1, and
 * E[N] = (L·ln B + (1 − L)·ln A) / E_p[z].
 */
export function bernoulliSprtAt(
  test: BernoulliSprt,
  p: number,
): { acceptProbability: number; expectedSampleSize: number } {
  const { p0, p1, alpha, beta } = test;
  const { upper, lower } = waldBounds(alpha, beta);
  const up = Math.log(p1 / p0);
  const down = Math.log((1 - p1) / (1 - p0));
  const drift = p * up + (1 - p) * down;
  if (Math.abs(drift) < 1e-12) {
    const second = p * up * up + (1 - p) * down * down;
    return { acceptProbability: upper / (upper - lower), expectedSampleSize: (-upper * lower) / second };
  }
  const h = nonZeroRoot((t) => p * Math.exp(t * up) + (1 - p) * Math.exp(t * down) - 1, drift > 0 ? -1 : 1);
  const aH = Math.exp(h * upper);
  const bH = Math.exp(h * lower);
  const accept = (aH - 1) / (aH - bH);
  return { acceptProbability: accept, expectedSampleSize: (accept * lower + (1 - accept) * upper) / drift };
}

/** The root of the convex g (g(0) = 0) on the side of `direction`, by bracketing then bisection. */
function nonZeroRoot(g: (t: number) => number, direction: 1 | -1): number {
  let near = direction * 1e-9;
  let far: number = direction;
  while (g(far) < 0) far *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (near + far) / 2;
    if (g(mid) < 0) near = mid;
    else far = mid;
  }
  return (near + far) / 2;
}

/** The policy's SPRT (p0 vs p0 + margin) run on a canary whose true error rate is `p`: Wald's E[N]. */
export function policySprtSampleSize(test: BernoulliSprt, p: number): number {
  return bernoulliSprtAt(test, p).expectedSampleSize;
}

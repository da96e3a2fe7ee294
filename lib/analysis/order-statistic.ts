import { lnBeta } from './beta.js';
import { logSumExp } from './log-gamma.js';
import { normalCdf } from './normal.js';
import { expectedNormalOrderStatistic, normalOrderStatisticVariance } from './sample-quantile.js';

/** ln Φ(z), accurate in both tails. */
function logNormalCdf(z: number): number {
  return z < 0 ? Math.log(normalCdf(z)) : Math.log1p(-normalCdf(-z));
}

/**
 * ln density of Z₍ₖ₎, the k-th smallest of n standard normals: U = Φ(Z₍ₖ₎) is Beta(k, n + 1 − k), so
 * f(z) = Beta-density(Φ(z)) · φ(z). Exact, including the right skew of high order statistics that a normal
 * approximation misses (the 2nd-slowest of 120 requests has a long upper tail).
 */
export function normalOrderStatisticLogDensity(z: number, k: number, n: number): number {
  const a = k;
  const b = n + 1 - k;
  return (
    (a - 1) * logNormalCdf(z) +
    (b - 1) * logNormalCdf(-z) -
    lnBeta(a, b) -
    0.5 * z * z -
    0.5 * Math.log(2 * Math.PI)
  );
}

/** A discretised law: points and their log-probabilities (summing to 1). */
export interface Grid {
  points: Float64Array;
  logWeights: Float64Array;
}

const GRID_POINTS = 64;

/** Z₍ₖ₎ of n on a grid wide enough for its skewed tails, with weights normalised to 1. */
export function normalOrderStatisticGrid(k: number, n: number): Grid {
  const centre = expectedNormalOrderStatistic(k, n);
  const sd = Math.sqrt(normalOrderStatisticVariance(k, n));
  const lo = centre - 8 * sd;
  const hi = centre + 12 * sd;
  const points = new Float64Array(GRID_POINTS);
  const logWeights = new Float64Array(GRID_POINTS);
  for (let i = 0; i < GRID_POINTS; i++) {
    const z = lo + ((hi - lo) * i) / (GRID_POINTS - 1);
    points[i] = z;
    logWeights[i] = normalOrderStatisticLogDensity(z, k, n);
  }
  const total = logSumExp(Array.from(logWeights));
  for (let i = 0; i < GRID_POINTS; i++) logWeights[i] = (logWeights[i] ?? 0) - total;
  return { points, logWeights };
}

/**
 * ln density at d of Z₍ₖ₎ − Y, where Z₍ₖ₎ is the k-th of n standard normals and Y follows `other` (independent):
 * the difference of the canary's and the primary's order statistics.
 */
export function orderStatisticDifferenceLogDensity(d: number, k: number, n: number, other: Grid): number {
  const terms = new Array<number>(other.points.length);
  for (let i = 0; i < other.points.length; i++) {
    terms[i] = (other.logWeights[i] ?? 0) + normalOrderStatisticLogDensity(d + (other.points[i] ?? 0), k, n);
  }
  return logSumExp(terms);
}

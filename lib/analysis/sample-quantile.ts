import { normalPdf, normalQuantile } from './normal.js';

/** Rank of the nearest-rank q-quantile among n ordered samples: k = ⌈q·n⌉ (at least 1). */
export function nearestRank(q: number, n: number): number {
  // The small allowance keeps q·n = 99.00000000000001 from rounding the rank up.
  return Math.max(1, Math.ceil(q * n - 1e-9));
}

/**
 * E[Z₍ₖ₎], the k-th of n ordered standard-normal samples, by Blom's approximation Φ⁻¹((k − 3/8) / (n + 1/4)).
 * A window's p99 over few requests sits below the true p99 (over 100 requests it is the 99th of 100); this is the
 * level it sits at.
 */
export function expectedNormalOrderStatistic(k: number, n: number): number {
  return normalQuantile((k - 0.375) / (n + 0.25));
}

/** Var Z₍ₖ₎ to first order: p(1 − p) / ((n + 2)·φ(Φ⁻¹(p))²) with p = k / (n + 1) (David & Nagaraja). */
export function normalOrderStatisticVariance(k: number, n: number): number {
  const p = k / (n + 1);
  const density = normalPdf(normalQuantile(p));
  return (p * (1 - p)) / ((n + 2) * density * density);
}

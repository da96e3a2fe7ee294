import { regularizedBeta } from './beta.js';
import { lnChoose } from './log-gamma.js';

export function binomialLogPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  if (p === 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (p === 1) return k === n ? 0 : Number.NEGATIVE_INFINITY;
  return lnChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** P(X ≥ k) for X ~ Binomial(n, p), through P(X ≥ k) = I_p(k, n − k + 1). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return regularizedBeta(p, k, n - k + 1);
}

export interface FailureSplit {
  canaryFailures: number;
  canaryRequests: number;
  primaryRequests: number;
  /** Failures on both sides together. */
  totalFailures: number;
}

/**
 * ln P_ω(X = x) − ln P_1(X = x) for each odds ratio ω, where X is the canary's share of the window's failures.
 *
 * Given both sides' request counts and the total failures F, X is hypergeometric when canary and primary fail at
 * the same rate — whatever that rate is — and follows Fisher's noncentral hypergeometric distribution when the
 * canary's odds of failing are ω times the primary's. Conditioning on F is what makes the null exact: a shared
 * incident that raises both sides' error rate changes F, not the law of X.
 */
export function oddsRatioLogLikelihoodRatios(split: FailureSplit, oddsRatios: readonly number[]): number[] {
  const nC = split.canaryRequests;
  const nP = split.primaryRequests;
  const F = split.totalFailures;
  const x = split.canaryFailures;
  const lo = Math.max(0, F - nP);
  const hi = Math.min(nC, F);
  if (hi <= lo || x < lo || x > hi) return oddsRatios.map(() => 0);
  // Unnormalised ln[C(nC, k) C(nP, F − k)] by the ratio of successive terms, relative to k = lo.
  const size = hi - lo + 1;
  const logWeights = new Float64Array(size);
  for (let i = 1; i < size; i++) {
    const k = lo + i - 1;
    logWeights[i] = (logWeights[i - 1] ?? 0) + Math.log(((nC - k) * (F - k)) / ((k + 1) * (nP - F + k + 1)));
  }
  const central = logSumExpOf(logWeights, 0);
  return oddsRatios.map((omega) => {
    const logOmega = Math.log(omega);
    return x * logOmega - (logSumExpOf(logWeights, logOmega, lo) - central);
  });
}

/** ln Σ_i exp(w_i + (lo + i)·slope), the slope term dropping out when slope is 0. */
function logSumExpOf(logWeights: Float64Array, slope: number, lo = 0): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logWeights.length; i++) {
    const v = (logWeights[i] ?? 0) + (lo + i) * slope;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let i = 0; i < logWeights.length; i++) sum += Math.exp((logWeights[i] ?? 0) + (lo + i) * slope - max);
  return max + Math.log(sum);
}

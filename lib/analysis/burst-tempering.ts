/**
 * The power 1/φ that keeps a per-failure likelihood ratio a supermartingale when failures come in bursts.
 *
 * Given a window's total failures F, under "canary as good as the primary" each burst lands on the canary with
 * probability π₀ (its share of requests) and takes all its S failures with it; under the alternative, with π₁.
 * The likelihood ratio of one burst is ℓ = (π₁/π₀)^Y ((1−π₁)/(1−π₀))^(1−Y). Raised to S/φ it only depends on what
 * is observed, since Σ S·Y is the canary's failures and Σ S·(1−Y) the primary's:
 *
 *     T = (π₁/π₀)^(x/φ) ((1−π₁)/(1−π₀))^((F−x)/φ)
 *
 * and E₀[T] = E_S[π₀ a^S + (1−π₀) b^S]^B with a = (π₁/π₀)^(1/φ), b = ((1−π₁)/(1−π₀))^(1/φ). For geometric sizes with
 * mean m, E[z^S] = z/(m − (m−1)z), so φ can be chosen exactly so that the bracket is at most 1: then T has
 * expectation at most 1 under the null, whatever the number of bursts. With m = 1 (independent failures) φ = 1
 * and T is the plain binomial likelihood ratio.
 */
export function burstTemperingFactor(pi0: number, pi1: number, meanSize: number): number {
  if (meanSize <= 1 || !(pi0 > 0 && pi0 < 1 && pi1 > 0 && pi1 < 1)) return 1;
  const up = Math.log(pi1 / pi0);
  const down = Math.log((1 - pi1) / (1 - pi0));
  const pgf = (z: number): number => {
    const denominator = meanSize - (meanSize - 1) * z;
    return denominator <= 0 ? Number.POSITIVE_INFINITY : z / denominator;
  };
  const excess = (t: number): number => pi0 * pgf(Math.exp(t * up)) + (1 - pi0) * pgf(Math.exp(t * down)) - 1;
  // excess(t) is convex in t = 1/φ with excess(0) = 0 and a negative slope at 0: find where it turns positive.
  if (excess(1) <= 0) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (excess(mid) <= 0) lo = mid;
    else hi = mid;
  }
  return lo > 0 ? 1 / lo : Number.POSITIVE_INFINITY;
}

/** ln T for one window (see burstTemperingFactor): the binomial log-likelihood ratio divided by φ. */
export function temperedSplitLogLikelihoodRatio(
  canaryFailures: number,
  totalFailures: number,
  pi0: number,
  pi1: number,
  factor: number,
): number {
  if (!Number.isFinite(factor)) return 0;
  const x = canaryFailures;
  const rest = totalFailures - canaryFailures;
  const up = x === 0 ? 0 : x * Math.log(pi1 / pi0);
  const down = rest === 0 ? 0 : rest * Math.log((1 - pi1) / (1 - pi0));
  return (up + down) / factor;
}

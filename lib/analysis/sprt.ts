/** Wald's boundaries on the log-likelihood ratio for error rates α (false rejection) and β (false acceptance). */
export interface WaldBounds {
  /** ln((1 − β) / α): at or above, reject the null. */
  upper: number;
  /** ln(β / (1 − α)): at or below, accept the null. */
  lower: number;
}

export function waldBounds(alpha: number, beta: number): WaldBounds {
  if (!(alpha > 0 && alpha < 1 && beta > 0 && beta < 1)) {
    throw new RangeError(`error rates must be in (0, 1), got α=${alpha}, β=${beta}`);
  }
  return { upper: Math.log((1 - beta) / alpha), lower: Math.log(beta / (1 - alpha)) };
}

/** ln L(p1) − ln L(p0) for `failures` and `successes` Bernoulli outcomes. */
export function bernoulliLogLikelihoodRatio(
  failures: number,
  successes: number,
  p0: number,
  p1: number,
): number {
  const failureTerm = failures === 0 ? 0 : failures * Math.log(p1 / p0);
  const successTerm = successes === 0 ? 0 : successes * Math.log((1 - p1) / (1 - p0));
  return failureTerm + successTerm;
}

/** ln N(x; mean1, variance) − ln N(x; mean0, variance). */
export function gaussianLogLikelihoodRatio(
  x: number,
  mean0: number,
  mean1: number,
  variance: number,
): number {
  return ((mean1 - mean0) * (x - (mean0 + mean1) / 2)) / variance;
}

/** Kullback–Leibler divergence KL(Bernoulli(p) ‖ Bernoulli(q)) in nats. */
export function bernoulliKl(p: number, q: number): number {
  const a = p === 0 ? 0 : p * Math.log(p / q);
  const b = p === 1 ? 0 : (1 - p) * Math.log((1 - p) / (1 - q));
  return a + b;
}

/** Odds p / (1 − p). */
export const oddsOf = (p: number): number => p / (1 - p);

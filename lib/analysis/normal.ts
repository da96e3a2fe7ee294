const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

export function normalPdf(x: number): number {
  return INV_SQRT_TWO_PI * Math.exp(-0.5 * x * x);
}

/**
 * Φ(x), the standard normal CDF, to ~1e-15 relative accuracy in both tails: Marsaglia's Taylor series
 * Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/15 + …) near the centre, Laplace's continued fraction for the tail beyond |x| = 3
 * (where the series would lose the tail to cancellation).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < -3) return upperTail(-x);
  if (x > 3) return 1 - upperTail(x);
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let i = 3; Math.abs(term) > 1e-17 * Math.abs(sum); i += 2) {
    term *= x2 / i;
    sum += term;
  }
  return 0.5 + normalPdf(x) * sum;
}

/** 1 − Φ(x) for x > 3: φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))), evaluated with Lentz's method. */
function upperTail(x: number): number {
  if (x > 38) return 0;
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let i = 1; i < 500; i++) {
    d = x + i * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + i / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return normalPdf(x) / f;
}

// Acklam's rational approximation (relative error < 1.2e-9), refined below by one Halley step.
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1,
];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1];
const P_LOW = 0.02425;

/** c₀xⁿ + c₁xⁿ⁻¹ + … + cₙ. */
const horner = (coefficients: readonly number[], x: number): number =>
  coefficients.reduce((acc, c) => acc * x + c, 0);

/** Φ⁻¹(p) for 0 < p < 1 (±Infinity at 0 and 1). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) throw new RangeError(`normalQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  let x: number;
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    const tail = horner(C, q) / horner(D, q);
    x = p < P_LOW ? tail : -tail;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = (horner(A, r) * q) / horner(B, r);
  }
  // One Halley step on Φ(x) − p; above the median use Φ(x) − p = (1 − p) − Φ(−x) so the tail stays exact.
  const e = p > 0.5 ? 1 - p - normalCdf(-x) : normalCdf(x) - p;
  const u = e / normalPdf(x);
  return x - u / (1 + (x * u) / 2);
}

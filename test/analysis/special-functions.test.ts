import { describe, expect, it } from 'vitest';
import { lnBeta, regularizedBeta } from '../../lib/analysis/beta.js';
import { binomialLogPmf, binomialUpperTail } from '../../lib/analysis/binomial.js';
import { lnChoose, lnGamma, logSumExp } from '../../lib/analysis/log-gamma.js';
import { normalCdf, normalPdf, normalQuantile } from '../../lib/analysis/normal.js';

/** Composite Simpson's rule: an independent way to get integrals the library computes in closed form. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20_000): number {
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

describe('lnGamma', () => {
  it('matches ln((n − 1)!) computed by summing logs', () => {
    for (const n of [1, 2, 3, 7, 12, 30, 171]) {
      let lnFactorial = 0;
      for (let i = 2; i < n; i++) lnFactorial += Math.log(i);
      expect(lnGamma(n)).toBeCloseTo(lnFactorial, 9);
    }
  });

  it('gives Γ(1/2) = √π and satisfies Γ(x + 1) = x Γ(x)', () => {
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    for (const x of [0.1, 0.7, 2.5, 9.9, 11.3, 250.25]) {
      expect(lnGamma(x + 1) - lnGamma(x)).toBeCloseTo(Math.log(x), 11);
    }
  });

  it('rejects non-positive arguments', () => {
    expect(() => lnGamma(0)).toThrow(RangeError);
    expect(() => lnGamma(-2)).toThrow(/x > 0/);
  });

  it('lnChoose agrees with Pascal-triangle binomials', () => {
    const row = [1];
    for (let n = 1; n <= 40; n++) {
      for (let k = n; k > 0; k--) row[k] = (row[k] ?? 0) + (row[k - 1] ?? 0);
    }
    for (const k of [0, 1, 5, 13, 20, 39, 40]) expect(lnChoose(40, k)).toBeCloseTo(Math.log(row[k] ?? 0), 9);
    expect(lnChoose(5, 6)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('logSumExp does not overflow', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logSumExp([Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(5), 14);
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('normal distribution', () => {
  it('Φ(x) equals ½ + ∫₀ˣ φ in the body of the distribution', () => {
    for (const x of [-2.9, -1.5, -0.3, 0, 0.8, 1.96, 2.7]) {
      const integral = simpson(normalPdf, 0, x);
      expect(normalCdf(x)).toBeCloseTo(0.5 + integral, 12);
    }
  });

  it('keeps relative accuracy far in the tails (∫ₓ^∞ φ)', () => {
    for (const x of [3.5, 5, 8, 12]) {
      const tail = simpson(normalPdf, x, x + 15);
      expect(Math.abs(normalCdf(-x) / tail - 1)).toBeLessThan(1e-9);
      expect(normalCdf(x)).toBeCloseTo(1 - tail, 14);
    }
  });

  it('Φ⁻¹ inverts Φ and reproduces textbook critical values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 12);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 12);
    expect(normalQuantile(0.5)).toBe(0);
    for (const p of [1e-12, 1e-6, 0.001, 0.02, 0.3, 0.7, 0.98, 0.999999]) {
      const x = normalQuantile(p);
      const back = p < 0.5 ? normalCdf(x) : 1 - normalCdf(-x);
      expect(Math.abs(back / p - 1)).toBeLessThan(1e-9);
    }
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });
});

describe('regularized incomplete beta', () => {
  const density = (a: number, b: number) => (t: number) =>
    Math.exp((a - 1) * Math.log(t) + (b - 1) * Math.log1p(-t) - lnBeta(a, b));

  it('matches closed forms: I_x(1, 1) = x, I_x(a, 1) = xᵃ, I_x(1, b) = 1 − (1 − x)ᵇ', () => {
    for (const x of [0.01, 0.3, 0.77]) {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 13);
      expect(regularizedBeta(x, 4.5, 1)).toBeCloseTo(x ** 4.5, 13);
      expect(regularizedBeta(x, 1, 7)).toBeCloseTo(1 - (1 - x) ** 7, 13);
    }
  });

  it('matches numerical integration of the Beta density', () => {
    for (const [x, a, b] of [
      [0.4, 2, 3],
      [0.9, 7.5, 2.2],
      [0.985, 99, 2],
      [0.2, 3, 40],
    ] as const) {
      expect(regularizedBeta(x, a, b)).toBeCloseTo(simpson(density(a, b), 0, x), 8);
    }
  });

  it('is symmetric: I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    expect(regularizedBeta(0.35, 12, 30) + regularizedBeta(0.65, 30, 12)).toBeCloseTo(1, 13);
  });
});

describe('binomial', () => {
  /** Σ_{i ≥ k} C(n, i) pⁱ (1 − p)ⁿ⁻ⁱ with the pmf built by its recurrence, not by lnGamma. */
  function tailBySummation(k: number, n: number, p: number): number {
    let pmf = (1 - p) ** n;
    let tail = k <= 0 ? pmf : 0;
    for (let i = 1; i <= n; i++) {
      pmf *= ((n - i + 1) / i) * (p / (1 - p));
      if (i >= k) tail += pmf;
    }
    return tail;
  }

  it('P(X ≥ k) matches direct summation of the pmf', () => {
    for (const [k, n, p] of [
      [4, 60, 0.01],
      [1, 20, 0.02],
      [14, 720, 0.01],
      [30, 100, 0.25],
    ] as const) {
      expect(binomialUpperTail(k, n, p)).toBeCloseTo(tailBySummation(k, n, p), 12);
    }
  });

  it('handles the edges', () => {
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(1, 10, 0)).toBe(0);
    expect(binomialLogPmf(0, 5, 0)).toBe(0);
    expect(Math.exp(binomialLogPmf(2, 4, 0.5))).toBeCloseTo(6 / 16, 14);
  });
});

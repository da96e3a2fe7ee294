import { describe, expect, it } from 'vitest';
import { createRandom } from '../../lib/sim/random.js';

/** Sample mean and variance of n draws. */
function moments(n: number, draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe('seeded random source', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 20 }, () => a.uniform());
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.uniform())).not.toEqual(seqA);
    expect(() => createRandom(1.5)).toThrow(RangeError);
  });

  it('draws uniforms in [0, 1) with mean ½ and variance 1/12', () => {
    const rng = createRandom(1);
    const n = 200_000;
    const draws = Array.from({ length: n }, () => rng.uniform());
    expect(draws.every((u) => u >= 0 && u < 1)).toBe(true);
    const { mean, variance } = moments(n, () => draws.pop() ?? Number.NaN);
    // Five standard errors: sd of a uniform is 1/√12.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 / Math.sqrt(12 * n));
    expect(variance).toBeCloseTo(1 / 12, 3);
  });

  it('draws standard normals', () => {
    const rng = createRandom(2);
    const n = 200_000;
    const { mean, variance } = moments(n, () => rng.normal());
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    // Var of the sample variance of normals is 2/n.
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('draws Poisson counts with mean and variance λ, small and large', () => {
    const rng = createRandom(3);
    const n = 100_000;
    for (const lambda of [0.3, 4, 10, 57.5, 12_000]) {
      const { mean, variance } = moments(n, () => rng.poisson(lambda));
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
      // Var of a Poisson sample variance ≈ (λ + 2λ²)/n.
      expect(Math.abs(variance - lambda)).toBeLessThan(5 * Math.sqrt((lambda + 2 * lambda * lambda) / n));
    }
    expect(rng.poisson(0)).toBe(0);
    expect(() => rng.poisson(-1)).toThrow(RangeError);
  });

  it('draws Gamma(k) with mean and variance k, and Beta(a, b) with mean a/(a+b)', () => {
    const rng = createRandom(4);
    const n = 100_000;
    for (const shape of [0.5, 1, 7.5, 900]) {
      const { mean, variance } = moments(n, () => rng.gamma(shape));
      expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / n));
      expect(variance / shape).toBeGreaterThan(0.95);
      expect(variance / shape).toBeLessThan(1.05);
    }
    for (const [a, b] of [
      [2, 3],
      [990, 11],
    ] as const) {
      const { mean, variance } = moments(n, () => rng.beta(a, b));
      const m = a / (a + b);
      const v = (a * b) / ((a + b) ** 2 * (a + b + 1));
      expect(Math.abs(mean - m)).toBeLessThan(5 * Math.sqrt(v / n));
      expect(variance / v).toBeGreaterThan(0.95);
      expect(variance / v).toBeLessThan(1.05);
    }
  });

  it('draws binomial counts with mean np and variance np(1 − p), small and large n', () => {
    const rng = createRandom(9);
    for (const [trials, p] of [
      [10, 0.3],
      [5000, 0.002],
      [100_000, 0.6],
    ] as const) {
      const { mean, variance } = moments(4000, () => rng.binomial(trials, p));
      const v = trials * p * (1 - p);
      expect(Math.abs(mean - trials * p)).toBeLessThan(5 * Math.sqrt(v / 4000));
      expect(variance / v).toBeGreaterThan(0.85);
      expect(variance / v).toBeLessThan(1.15);
    }
    expect(rng.binomial(0, 0.5)).toBe(0);
    expect(rng.binomial(7, 1)).toBe(7);
    expect(() => rng.binomial(1.5, 0.5)).toThrow(RangeError);
  });
});

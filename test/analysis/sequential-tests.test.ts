import { describe, expect, it } from 'vitest';
import { oddsRatioLogLikelihoodRatios } from '../../lib/analysis/hypergeometric.js';
import { normalOrderStatisticLogDensity } from '../../lib/analysis/order-statistic.js';
import {
  expectedNormalOrderStatistic,
  nearestRank,
  normalOrderStatisticVariance,
} from '../../lib/analysis/sample-quantile.js';
import {
  bernoulliKl,
  bernoulliLogLikelihoodRatio,
  gaussianLogLikelihoodRatio,
  waldBounds,
} from '../../lib/analysis/sprt.js';
import {
  bernoulliOptimalSampleSize,
  bernoulliSprtAt,
  expectedSampleSizeUnderAlternative,
  policySprtSampleSize,
} from '../../lib/analysis/wald-asn.js';

/** C(n, k) as an exact integer. */
function choose(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

describe("Fisher's noncentral hypergeometric likelihood ratio", () => {
  const split = { canaryRequests: 12, primaryRequests: 30, totalFailures: 6 };

  /** P_ω(X = x) from its definition, with exact binomial coefficients. */
  function pmf(x: number, omega: number): number {
    const lo = Math.max(0, split.totalFailures - split.primaryRequests);
    const hi = Math.min(split.canaryRequests, split.totalFailures);
    let norm = 0;
    for (let k = lo; k <= hi; k++) {
      norm +=
        Number(choose(split.canaryRequests, k) * choose(split.primaryRequests, split.totalFailures - k)) *
        omega ** k;
    }
    return (
      (Number(choose(split.canaryRequests, x) * choose(split.primaryRequests, split.totalFailures - x)) *
        omega ** x) /
      norm
    );
  }

  it('equals ln P_ω(x) − ln P_1(x) computed from the definition', () => {
    for (const x of [0, 1, 3, 6]) {
      const [a, b] = oddsRatioLogLikelihoodRatios({ ...split, canaryFailures: x }, [4, 0.5]);
      expect(a).toBeCloseTo(Math.log(pmf(x, 4) / pmf(x, 1)), 12);
      expect(b).toBeCloseTo(Math.log(pmf(x, 0.5) / pmf(x, 1)), 12);
    }
  });

  it('has expectation 1 under the null (a martingale increment), whatever the alternative', () => {
    for (const omega of [2, 11, 190]) {
      let expectation = 0;
      for (let x = 0; x <= split.totalFailures; x++) {
        const [llr] = oddsRatioLogLikelihoodRatios({ ...split, canaryFailures: x }, [omega]);
        expectation += pmf(x, 1) * Math.exp(llr ?? Number.NaN);
      }
      expect(expectation).toBeCloseTo(1, 12);
    }
  });

  it('carries no evidence when the split is forced or ω = 1', () => {
    expect(
      oddsRatioLogLikelihoodRatios(
        { canaryFailures: 3, canaryRequests: 10, primaryRequests: 0, totalFailures: 3 },
        [10],
      ),
    ).toEqual([0]);
    expect(
      oddsRatioLogLikelihoodRatios(
        { canaryFailures: 0, canaryRequests: 10, primaryRequests: 50, totalFailures: 0 },
        [10],
      ),
    ).toEqual([0]);
    const [none] = oddsRatioLogLikelihoodRatios({ ...split, canaryFailures: 2 }, [1]);
    expect(none).toBeCloseTo(0, 14);
  });
});

describe("Wald's SPRT", () => {
  it('has the textbook boundaries A = (1 − β)/α and B = β/(1 − α)', () => {
    const { upper, lower } = waldBounds(0.05, 0.1);
    expect(Math.exp(upper)).toBeCloseTo(18, 12);
    expect(Math.exp(lower)).toBeCloseTo(0.1 / 0.95, 12);
    expect(() => waldBounds(0, 0.1)).toThrow(RangeError);
  });

  it('computes Bernoulli and Gaussian log-likelihood ratios', () => {
    expect(bernoulliLogLikelihoodRatio(2, 98, 0.01, 0.02)).toBeCloseTo(
      2 * Math.log(2) + 98 * Math.log(0.98 / 0.99),
      12,
    );
    expect(gaussianLogLikelihoodRatio(1, 0, 2, 4)).toBeCloseTo((-0.5 * (1 - 2) ** 2) / 4 + (0.5 * 1) / 4, 12);
    expect(bernoulliKl(0.02, 0.001)).toBeCloseTo(0.02 * Math.log(20) + 0.98 * Math.log(0.98 / 0.999), 14);
  });

  it("has Wald's operating characteristic: accepts with probability 1 − α at p0 and β at p1", () => {
    const test = { p0: 0.001, p1: 0.011, alpha: 0.01, beta: 0.05 };
    expect(bernoulliSprtAt(test, 0.001).acceptProbability).toBeCloseTo(0.99, 6);
    expect(bernoulliSprtAt(test, 0.011).acceptProbability).toBeCloseTo(0.05, 6);
    // Worse canaries are accepted less often and decided sooner.
    const at2 = bernoulliSprtAt(test, 0.02);
    const at5 = bernoulliSprtAt(test, 0.05);
    expect(at5.acceptProbability).toBeLessThan(at2.acceptProbability);
    expect(at5.expectedSampleSize).toBeLessThan(at2.expectedSampleSize);
  });

  it("gives Wald's E[N] = ((1 − β) ln A + β ln B) / KL under the alternative", () => {
    const alpha = 0.01;
    const beta = 0.05;
    const kl = 0.02 * Math.log(0.02 / 0.001) + 0.98 * Math.log(0.98 / 0.999);
    const expected = ((1 - beta) * Math.log((1 - beta) / alpha) + beta * Math.log(beta / (1 - alpha))) / kl;
    expect(bernoulliOptimalSampleSize({ p0: 0.001, p1: 0.02, alpha, beta })).toBeCloseTo(expected, 9);
    expect(expectedSampleSizeUnderAlternative(kl, alpha, beta)).toBeCloseTo(expected, 9);
    // The policy's own SPRT evaluated at its alternative is the same formula.
    expect(policySprtSampleSize({ p0: 0.001, p1: 0.02, alpha, beta }, 0.02)).toBeCloseTo(expected, 6);
    expect(expectedSampleSizeUnderAlternative(0, alpha, beta)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('order statistics of normal samples', () => {
  const moments = (k: number, n: number): { mass: number; mean: number; variance: number } => {
    let mass = 0;
    let first = 0;
    let second = 0;
    const h = 0.001;
    for (let z = -10; z <= 10; z += h) {
      const f = Math.exp(normalOrderStatisticLogDensity(z, k, n)) * h;
      mass += f;
      first += z * f;
      second += z * z * f;
    }
    return { mass, mean: first / mass, variance: second / mass - (first / mass) ** 2 };
  };

  it('has the closed-form moments of the maximum of two and three normals', () => {
    const two = moments(2, 2);
    expect(two.mass).toBeCloseTo(1, 6);
    expect(two.mean).toBeCloseTo(1 / Math.sqrt(Math.PI), 5);
    expect(two.variance).toBeCloseTo(1 - 1 / Math.PI, 5);
    expect(moments(3, 3).mean).toBeCloseTo(3 / (2 * Math.sqrt(Math.PI)), 5);
    expect(moments(1, 2).mean).toBeCloseTo(-1 / Math.sqrt(Math.PI), 5);
  });

  it("agrees with Blom's mean and the first-order variance for a large sample's p99", () => {
    const { mean, variance } = moments(990, 1000);
    expect(mean).toBeCloseTo(expectedNormalOrderStatistic(990, 1000), 2);
    expect(variance / normalOrderStatisticVariance(990, 1000)).toBeGreaterThan(0.9);
    expect(variance / normalOrderStatisticVariance(990, 1000)).toBeLessThan(1.2);
  });

  it('takes the nearest rank ⌈q·n⌉', () => {
    expect(nearestRank(0.99, 100)).toBe(99);
    expect(nearestRank(0.99, 101)).toBe(100);
    expect(nearestRank(0.5, 1)).toBe(1);
    expect(nearestRank(0.99, 20)).toBe(20);
  });
});

import { describe, expect, it } from 'vitest';
import {
  ACCEPTANCE_SCALES,
  acceptanceIndex,
  exclusionScale,
  windowAcceptanceLogLikelihoodRatios,
} from '../../lib/analysis/acceptance-evidence.js';
import { errorEvidence } from '../../lib/analysis/error-evidence.js';
import { burstyUpperTail, checkGuardRails } from '../../lib/analysis/guard-rails.js';
import { latencyEvidence, primaryLogSigma } from '../../lib/analysis/latency-evidence.js';
import { PRIOR_REQUESTS, primaryRateEstimate } from '../../lib/analysis/primary-rate.js';
import { rollbackEvidence } from '../../lib/analysis/rollback-evidence.js';
import { createRandom } from '../../lib/sim/random.js';
import { logNormalOf, sampleWindow } from '../../lib/sim/traffic-model.js';
import { policyOf, side } from './judge-fixtures.js';

describe('acceptance (promotion and step) evidence', () => {
  it('asks each step to rule out the regression that would hurt as much at the next weight, ×2, capped at 16', () => {
    const weights = [5, 10, 20, 40, 60];
    expect(weights.map((_, i) => exclusionScale(weights, i))).toEqual([12, 6, 3, 2, 1]);
    expect(exclusionScale([1, 5, 100], 0)).toBe(16);
    expect(exclusionScale([1, 100], 0)).toBe(2);
    expect(exclusionScale([50], 0)).toBe(1);
  });

  it("is Wald's Bernoulli log-likelihood ratio of the canary's counts against the same window's primary", () => {
    const input = {
      canary: { requests: 500, failures: 2 },
      primary: { requests: 9500, failures: 19 },
      primaryHistory: { requests: 0, failures: 0 },
      budget: 0.01,
      margin: 0.01,
      scales: [2],
      burstMean: 1,
    };
    // The window's primary, steadied by 500 pseudo-requests at the earlier rate (here the prior, 0.1%).
    const p0 = (19 + 500 * 0.001) / (9500 + 500);
    const p1 = p0 + 0.02;
    const llr = 2 * Math.log(p1 / p0) + 498 * Math.log((1 - p1) / (1 - p0));
    expect(windowAcceptanceLogLikelihoodRatios(input)[0]).toBeCloseTo(llr, 10);
    // A shared rate that moves moves the reference with it: a primary failing 2% makes 2% in the canary unremarkable.
    const drift = windowAcceptanceLogLikelihoodRatios({
      ...input,
      canary: { requests: 500, failures: 10 },
      primary: { requests: 9500, failures: 190 },
      scales: [1],
    });
    expect(drift[0]).toBeLessThan(0);
    // Bursts of mean m divide the evidence by the dispersion 2m − 1.
    expect(windowAcceptanceLogLikelihoodRatios({ ...input, burstMean: 3 })[0]).toBeCloseTo(llr / 5, 10);
  });

  it('rules out the largest kept regression size at or below the one the step asks for', () => {
    expect(ACCEPTANCE_SCALES[acceptanceIndex(12)]).toBe(12);
    expect(ACCEPTANCE_SCALES[acceptanceIndex(10)]).toBe(8);
    expect(ACCEPTANCE_SCALES[acceptanceIndex(1)]).toBe(1);
    expect(ACCEPTANCE_SCALES[acceptanceIndex(100)]).toBe(16);
  });

  it('estimates the primary rate from its data, leaning on the prior only while data are few', () => {
    expect(primaryRateEstimate({ requests: 0, failures: 0 }, 0.01)).toBeCloseTo(0.001, 12);
    expect(primaryRateEstimate({ requests: 1_000_000, failures: 3000 }, 0.01)).toBeCloseTo(0.003, 5);
    expect(primaryRateEstimate({ requests: PRIOR_REQUESTS, failures: 5 }, 0.01)).toBeCloseTo(
      (5 + 0.5) / 1000,
      12,
    );
  });
});

describe('error evidence', () => {
  const input = {
    primaryHistory: { requests: 10_000, failures: 10 },
    margin: 0.01,
    budget: 0.01,
    scales: [1, 4, 16],
  };

  it('compares with the same window of the primary when it has data', () => {
    const e = errorEvidence({
      ...input,
      canary: { requests: 60, failures: 3 },
      primary: { requests: 1140, failures: 1 },
    });
    expect(e.basis).toBe('paired');
    expect(e.logLikelihoodRatios.every((llr) => llr > 0)).toBe(true);
    const none = errorEvidence({
      ...input,
      canary: { requests: 60, failures: 0 },
      primary: { requests: 1140, failures: 0 },
    });
    expect(none.logLikelihoodRatios).toEqual([0, 0, 0]);
  });

  it('falls back to a primary on the guard-rail without primary data', () => {
    const e = errorEvidence({ ...input, canary: { requests: 100, failures: 0 }, primary: null });
    expect(e.basis).toBe('prior');
    expect(e.reference).toBe(0.01);
    expect(e.logLikelihoodRatios[0]).toBeCloseTo(100 * Math.log(0.98 / 0.99), 10);
  });
});

describe('rollback evidence', () => {
  it('starts below 1 and is a weighted average of the tests’ likelihood ratios', () => {
    const fresh = rollbackEvidence([{ fromStep: 0, errors: [0, 0, 0], latency: [0, 0] }], 5);
    expect(fresh.total).toBeCloseTo(0.8, 12);
    const two = rollbackEvidence(
      [
        { fromStep: 0, errors: [0, 0, 0], latency: [0, 0] },
        { fromStep: 1, errors: [0, 0, 0], latency: [0, 0] },
      ],
      5,
    );
    expect(two.total).toBeCloseTo(0.85, 12);
    const strong = rollbackEvidence([{ fromStep: 0, errors: [Math.log(1000), 0, 0], latency: [0, 0] }], 1);
    expect(strong.errors).toBeGreaterThan(strong.latency);
    expect(strong.total).toBeGreaterThan(100);
  });
});

describe('latency evidence', () => {
  const healthy = { errorRate: 0.001, latencyMs: { p50: 40, p99: 180 } };
  const { sigma } = logNormalOf(healthy.latencyMs);
  const shift = Math.log(1.2);

  it('is a fair bet when canary and primary have the same latency: E[likelihood ratio] = 1', () => {
    const rng = createRandom(21);
    const ratios: number[] = [];
    const llrs: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const w = sampleWindow(
        { rps: 20, canaryWeight: 10, seconds: 60, canary: healthy, primary: healthy },
        rng,
      );
      const e = latencyEvidence(w.canary, w.primary, [shift], sigma);
      if (!e) continue;
      llrs.push(e.logLikelihoodRatios[0] ?? Number.NaN);
      ratios.push(Math.exp(e.logLikelihoodRatios[0] ?? Number.NaN));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const se = Math.sqrt(mean(ratios.map((r) => (r - mean(ratios)) ** 2)) / ratios.length);
    expect(ratios.length).toBeGreaterThan(3500);
    expect(Math.abs(mean(ratios) - 1)).toBeLessThan(5 * se);
    expect(mean(llrs)).toBeLessThan(0);
  });

  it('leans toward a regression when the canary is 50% slower', () => {
    const rng = createRandom(22);
    const slower = { errorRate: 0.001, latencyMs: { p50: 60, p99: 270 } };
    let sum = 0;
    let n = 0;
    for (let i = 0; i < 500; i++) {
      const w = sampleWindow(
        { rps: 20, canaryWeight: 10, seconds: 60, canary: slower, primary: healthy },
        rng,
      );
      const e = latencyEvidence(w.canary, w.primary, [shift], sigma);
      if (!e) continue;
      sum += e.logLikelihoodRatios[0] ?? 0;
      n += 1;
    }
    expect(sum / n).toBeGreaterThan(0.5);
  });

  it('needs enough requests on both sides and a fitted shape', () => {
    expect(latencyEvidence(side(50, 0), side(5000, 0), [shift], sigma)).toBeNull();
    expect(latencyEvidence(side(500, 0), side(5000, 0), [shift], 0)).toBeNull();
    expect(primaryLogSigma(side(50, 0))).toBeNull();
    const rng = createRandom(23);
    const big = sampleWindow(
      { rps: 200, canaryWeight: 0, seconds: 60, canary: healthy, primary: healthy },
      rng,
    );
    expect(primaryLogSigma(big.primary)).toBeCloseTo(sigma, 1);
  });
});

describe('guard-rails', () => {
  const { checks } = policyOf();

  it('report a p-value for a canary exactly on the limit that allows bursts of mean 5, at α/100 per window', () => {
    const breach = checkGuardRails(side(500, 200), checks, 0.01);
    expect(breach?.rule).toBe('guardrail.success_rate');
    expect(breach?.pValue).toBeLessThanOrEqual(0.01 / 100);
    // The Chernoff bound is never below the exact compound-Poisson tail (Panjer's recursion, geometric sizes).
    const exactTail = (f: number, expected: number, m: number): number => {
      const lambda = expected / m;
      const pmf = [Math.exp(-lambda)];
      for (let k = 1; k < f; k++) {
        let sum = 0;
        for (let s = 1; s <= k; s++) sum += s * (1 / m) * (1 - 1 / m) ** (s - 1) * (pmf[k - s] ?? 0);
        pmf.push((lambda / k) * sum);
      }
      return 1 - pmf.reduce((a, b) => a + b, 0);
    };
    for (const [f, expected] of [
      [10, 1],
      [40, 1],
      [6, 0.6],
    ] as const) {
      expect(burstyUpperTail(f, expected, 5)).toBeGreaterThanOrEqual(exactTail(f, expected, 5) - 1e-12);
    }
    // One burst of ten failures in a hundred requests is not improbable for a canary on the limit.
    expect(checkGuardRails(side(100, 10), checks, 0.01)).toBeNull();
    expect(checkGuardRails(side(19, 19), checks, 0.01)).toBeNull();
  });
});

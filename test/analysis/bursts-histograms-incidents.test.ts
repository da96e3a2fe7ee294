import { describe, expect, it } from 'vitest';
import { createAviaryJudge } from '../../lib/analysis/aviary-judge.js';
import { burstTemperingFactor, temperedSplitLogLikelihoodRatio } from '../../lib/analysis/burst-tempering.js';
import { addWindow, burstMeanBound, emptyDispersion } from '../../lib/analysis/failure-dispersion.js';
import { addToReference, histogramLatencyEvidence } from '../../lib/analysis/histogram-latency-evidence.js';
import { AviaryJudgeSchema } from '../../lib/model/policy.js';
import { createRandom } from '../../lib/sim/random.js';
import { sampleFailures, sampleWindow, type WindowConditions } from '../../lib/sim/traffic-model.js';
import { feed, policyOf, side, windowOf } from './judge-fixtures.js';

describe('burst-tempered error test', () => {
  it('is the plain binomial ratio for independent failures and weighs failures less as bursts grow', () => {
    expect(burstTemperingFactor(0.05, 0.3, 1)).toBe(1);
    const factors = [1.5, 2, 3, 5].map((m) => burstTemperingFactor(0.05, 0.3, m));
    for (let i = 1; i < factors.length; i++) expect(factors[i]).toBeGreaterThan(factors[i - 1] ?? 0);
    // For small alternatives the factor approaches the dispersion index E[S²]/E[S] = 2m − 1.
    expect(burstTemperingFactor(0.05, 0.051, 3)).toBeCloseTo(5, 1);
  });

  it('has expectation at most 1 under the null, exactly computed for geometric bursts up to mean 5', () => {
    // E[T] over one burst: Σ_s P(S = s) [π₀ a^s + (1 − π₀) b^s], summed directly (not through the closed form).
    for (const [pi0, pi1] of [
      [0.05, 0.37],
      [0.05, 0.9],
      [0.4, 0.55],
      [0.6, 0.95],
    ] as const) {
      for (const m of [1, 2, 3, 5]) {
        const phi = burstTemperingFactor(pi0, pi1, m);
        let expectation = 0;
        for (let s = 1; s < (m === 1 ? 2 : 4000); s++) {
          const lnP = m === 1 ? 0 : Math.log(1 / m) + (s - 1) * Math.log(1 - 1 / m);
          const up = Math.exp(lnP + (s / phi) * Math.log(pi1 / pi0));
          const down = Math.exp(lnP + (s / phi) * Math.log((1 - pi1) / (1 - pi0)));
          expectation += pi0 * up + (1 - pi0) * down;
        }
        expect(expectation).toBeLessThanOrEqual(1 + 1e-9);
        expect(expectation).toBeGreaterThan(0.5);
      }
    }
  });

  it('keeps a canary identical to a bursty primary under 1/α over many simulated windows', () => {
    // Monte Carlo of the tempered product over 30 windows with mean-5 bursts on both sides, known burst mean.
    const rng = createRandom(5);
    const runs = 3000;
    let crossed = 0;
    let meanT = 0;
    const side5 = { errorRate: 0.004, latencyMs: { p50: 40, p99: 180 }, failureBursts: { meanSize: 5 } };
    for (let r = 0; r < runs; r++) {
      let llr = 0;
      let max = 0;
      for (let w = 0; w < 30; w++) {
        const x = sampleFailures(600, side5, rng);
        const y = sampleFailures(11_400, side5, rng);
        const pi0 = 0.05;
        const pi1 = (600 * 0.014) / (600 * 0.014 + 11_400 * 0.004);
        llr += temperedSplitLogLikelihoodRatio(x, x + y, pi0, pi1, burstTemperingFactor(pi0, pi1, 5));
        max = Math.max(max, llr);
      }
      if (max >= Math.log(100)) crossed += 1;
      meanT += Math.exp(llr) / runs;
    }
    expect(crossed / runs).toBeLessThanOrEqual(0.01);
    expect(meanT).toBeLessThan(1.2);
  });

  it("estimates the burst mean from the primary's windows: 1 for independent failures, about m for bursts", () => {
    const rng = createRandom(8);
    const estimate = (meanSize: number): number => {
      let state = emptyDispersion();
      const sideM = { errorRate: 0.002, latencyMs: { p50: 40, p99: 180 }, failureBursts: { meanSize } };
      for (let w = 0; w < 40; w++)
        state = addWindow(state, 11_400, sampleFailures(11_400, sideM, rng), 0.002);
      return burstMeanBound(state);
    };
    expect(burstMeanBound(emptyDispersion())).toBe(1);
    const independent = Array.from({ length: 20 }, () => estimate(1));
    expect(independent.filter((m) => m === 1).length).toBeGreaterThanOrEqual(16);
    for (let i = 0; i < 5; i++) {
      expect(estimate(5)).toBeGreaterThan(3);
      expect(estimate(3)).toBeGreaterThan(1.8);
    }
  });
});

describe('histogram latency test', () => {
  const conditions = (p99Canary: number): WindowConditions => ({
    rps: 100,
    canaryWeight: 20,
    seconds: 60,
    canary: { errorRate: 0, latencyMs: { p50: 40, p99: p99Canary } },
    primary: { errorRate: 0, latencyMs: { p50: 40, p99: 180 } },
  });
  const shifts = [Math.log(1.2), 4 * Math.log(1.2)];

  it('is an exact conditional likelihood ratio: under equal latencies, large ratios are as rare as Markov allows', () => {
    // E[L] = 1 exactly (hypergeometric law of the canary's share of slow requests); its sample mean is dominated
    // by rare large values, so check what the bound rests on: P(L ≥ c) ≤ 1/c and E[min(L, c)] ≤ 1.
    const rng = createRandom(31);
    let reference = addToReference(undefined, sampleWindow(conditions(180), rng, 'histogram').primary);
    const ratios: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const w = sampleWindow(conditions(180), rng, 'histogram');
      const e = histogramLatencyEvidence(w.canary, w.primary, reference, shifts);
      if (e) ratios.push(Math.exp(e.logLikelihoodRatios[0] ?? 0));
      if (i < 20) reference = addToReference(reference, w.primary);
    }
    expect(ratios.length).toBeGreaterThan(1900);
    for (const c of [5, 20]) {
      expect(ratios.filter((l) => l >= c).length / ratios.length).toBeLessThanOrEqual(1 / c);
      expect(ratios.reduce((a, l) => a + Math.min(l, c), 0) / ratios.length).toBeLessThanOrEqual(1);
    }
  });

  it('finds a slower canary in the counts above the bucket that holds the primary p99', () => {
    const rng = createRandom(32);
    const reference = addToReference(undefined, sampleWindow(conditions(180), rng, 'histogram').primary);
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const w = sampleWindow(conditions(400), rng, 'histogram');
      const e = histogramLatencyEvidence(w.canary, w.primary, reference, shifts);
      expect(e?.thresholdMs).toBe(200);
      total += e?.logLikelihoodRatios[0] ?? 0;
    }
    expect(total).toBeGreaterThan(Math.log(100));
    expect(histogramLatencyEvidence(side(10, 0), side(10, 0), reference, shifts)).toBeNull();
  });

  it('the judge rolls back on the histogram and names it; broken buckets give no latency evidence at all', () => {
    const judge = createAviaryJudge(AviaryJudgeSchema.parse({ kind: 'aviary' }));
    const policy = policyOf({ checks: { minSuccessRate: 99, maxP99LatencyMs: 5000, minRequests: 20 } });
    const rng = createRandom(33);
    const slow = Array.from({ length: 12 }, () => {
      const w = sampleWindow(conditions(400), rng, 'histogram');
      return windowOf(w.canary, w.primary);
    });
    const results = feed(judge, policy, slow);
    const rollback = results.find((r) => r.rollback);
    expect(rollback?.explanation.rule).toBe('sprt.reject.latency');
    expect(rollback?.explanation.summary).toMatch(
      /canary requests slower than 200ms \(the bucket holding the primary's p99\): \d+ of \d+ vs primary \d+ of \d+ \(histogram test on bucket counts\)/,
    );

    // The same slow canary, but its buckets could not be read: its p99 is null, and nothing else stands in
    // for the histogram (no quantile model on one side's buckets), so latency never decides.
    const broken = slow.map((w) => ({
      ...w,
      canary: w.canary && {
        successCount: w.canary.successCount,
        failureCount: w.canary.failureCount,
        p50Ms: null,
        p99Ms: null,
        latencyProblem: 'no le="+Inf" bucket, so the total is unknown',
      },
    }));
    const blind = feed(judge, policy, broken);
    expect(blind.some((r) => r.rollback)).toBe(false);
    expect(blind[0]?.explanation.summary).toContain(
      'latency not assessed in this window (canary: no le="+Inf" bucket, so the total is unknown)',
    );
    // Buckets on one side only (the other source gave quantiles): still no quantile-model evidence.
    const oneSided = slow.map((w) => ({
      ...w,
      canary: w.canary && { ...w.canary, latencyHistogram: undefined, p99Ms: 2_000 },
    }));
    expect(feed(judge, policy, oneSided).some((r) => r.rollback)).toBe(false);
  });
});

describe('shared incidents', () => {
  const judge = createAviaryJudge(AviaryJudgeSchema.parse({ kind: 'aviary' }));
  const policy = policyOf();

  it('holds when both sides breach the success-rate guard-rail alike', () => {
    const [r] = feed(judge, policy, [windowOf(side(600, 120), side(11_400, 2280))]);
    expect(r?.verdict).toBe('inconclusive');
    expect(r?.explanation.rule).toBe('shared_incident');
    expect(r?.explanation.summary).toMatch(/primary breaches it too/);
  });

  it('still rolls back at once when only the canary breaches, and a canary worse than the primary during an incident', () => {
    const [alone] = feed(judge, policy, [windowOf(side(600, 120), side(11_400, 10))]);
    expect(alone?.explanation.rule).toBe('guardrail.success_rate');
    expect(alone?.rollback).toBe(true);
    const worse = feed(judge, policy, [
      windowOf(side(600, 150), side(11_400, 570)),
      windowOf(side(600, 150), side(11_400, 570)),
    ]);
    expect(worse.some((r) => r.rollback && r.explanation.rule === 'sprt.reject.errors')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../lib/analysis/normal.js';
import { nearestRank } from '../../lib/analysis/sample-quantile.js';
import { LINKERD_LATENCY_BOUNDS_MS } from '../../lib/sim/linkerd-buckets.js';
import { createRandom } from '../../lib/sim/random.js';
import {
  histogramQuantile,
  logNormalOf,
  sampleFailures,
  sampleSegments,
  sampleWindow,
  type WindowConditions,
} from '../../lib/sim/traffic-model.js';

const base: WindowConditions = {
  rps: 20,
  canaryWeight: 10,
  seconds: 60,
  canary: { errorRate: 0.02, latencyMs: { p50: 40, p99: 180 } },
  primary: { errorRate: 0.001, latencyMs: { p50: 40, p99: 180 } },
};

const requests = (w: { successCount: number; failureCount: number } | null): number =>
  w ? w.successCount + w.failureCount : 0;

describe('traffic model: counts', () => {
  it('splits a Poisson stream by the weight, with each side failing at its own rate', () => {
    const rng = createRandom(11);
    const n = 4000;
    let canary = 0;
    let primary = 0;
    let canaryFailures = 0;
    let primaryFailures = 0;
    for (let i = 0; i < n; i++) {
      const w = sampleWindow(base, rng);
      canary += requests(w.canary);
      primary += requests(w.primary);
      canaryFailures += w.canary?.failureCount ?? 0;
      primaryFailures += w.primary?.failureCount ?? 0;
    }
    // Poisson totals: mean λ, sd √λ per window; five standard errors over n windows.
    const band = (lambda: number) => 5 * Math.sqrt(lambda / n);
    expect(Math.abs(canary / n - 120)).toBeLessThan(band(120));
    expect(Math.abs(primary / n - 1080)).toBeLessThan(band(1080));
    expect(Math.abs(canaryFailures / n - 2.4)).toBeLessThan(band(2.4));
    expect(Math.abs(primaryFailures / n - 1.08)).toBeLessThan(band(1.08));
  });

  it('reports no data (null), never zeros, for a side without requests', () => {
    const rng = createRandom(12);
    expect(sampleWindow({ ...base, rps: 0 }, rng)).toEqual({ canary: null, primary: null });
    const noCanary = sampleWindow({ ...base, canaryWeight: 0 }, rng);
    expect(noCanary.canary).toBeNull();
    expect(requests(noCanary.primary)).toBeGreaterThan(0);
  });

  it('adds up the stretches of a window whose conditions change', () => {
    const rng = createRandom(13);
    const n = 3000;
    let total = 0;
    let failures = 0;
    for (let i = 0; i < n; i++) {
      const w = sampleSegments(
        [
          { ...base, seconds: 30 },
          { ...base, seconds: 30, rps: 40, canary: { ...base.canary, errorRate: 0.5 } },
        ],
        rng,
      );
      total += requests(w.canary);
      failures += w.canary?.failureCount ?? 0;
    }
    // 60 + 120 requests; 0.02·60 + 0.5·120 = 61.2 failures.
    expect(Math.abs(total / n - 180)).toBeLessThan(5 * Math.sqrt(180 / n));
    expect(Math.abs(failures / n - 61.2)).toBeLessThan(5 * Math.sqrt(61.2 / n));
  });
});

describe('traffic model: latency quantiles', () => {
  it('fits the log-normal through p50 and p99', () => {
    const { mu, sigma } = logNormalOf({ p50: 40, p99: 180 });
    expect(Math.exp(mu)).toBeCloseTo(40, 10);
    expect(Math.exp(mu + sigma * normalQuantile(0.99))).toBeCloseTo(180, 10);
  });

  it("gives a big window's p99 close to the true p99, and p50 ≤ p99 always", () => {
    const rng = createRandom(14);
    const n = 400;
    let sumLog99 = 0;
    for (let i = 0; i < n; i++) {
      const w = sampleWindow({ ...base, rps: 200, canaryWeight: 0 }, rng);
      const p = w.primary;
      if (!p || p.p50Ms === null || p.p99Ms === null) throw new Error('expected primary data');
      expect(p.p50Ms).toBeLessThanOrEqual(p.p99Ms);
      sumLog99 += Math.log(p.p99Ms);
    }
    // The p99 of 12 000 log-normal draws has sd ≈ σ·√(0.99·0.01 / n) / φ(z₀.₉₉) ≈ 0.022 in log space.
    expect(Math.abs(sumLog99 / n - Math.log(180))).toBeLessThan(0.01);
  });

  it('draws the same quantiles, in law, as sorting every latency (the order-statistic shortcut)', () => {
    const { mu, sigma } = logNormalOf({ p50: 40, p99: 180 });
    const rng = createRandom(15);
    const brute = createRandom(16);
    const runs = 4000;
    const shortcut: number[] = [];
    const sorted: number[] = [];
    for (let i = 0; i < runs; i++) {
      const w = sampleWindow({ ...base, rps: 2, canaryWeight: 0 }, rng);
      const p = w.primary;
      if (p?.p99Ms) shortcut.push(Math.log(p.p99Ms));
      const count = brute.poisson(120);
      if (count === 0) continue;
      const latencies = Array.from({ length: count }, () => mu + sigma * brute.normal()).sort(
        (a, b) => a - b,
      );
      sorted.push(latencies[nearestRank(0.99, count) - 1] ?? 0);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
    // Difference of two sample means: five standard errors.
    const se = Math.sqrt(sd(shortcut) ** 2 / shortcut.length + sd(sorted) ** 2 / sorted.length);
    expect(Math.abs(mean(shortcut) - mean(sorted))).toBeLessThan(5 * se);
    expect(sd(shortcut) / sd(sorted)).toBeGreaterThan(0.9);
    expect(sd(shortcut) / sd(sorted)).toBeLessThan(1.1);
  });
});

describe('traffic model: bursts and histograms', () => {
  it('keeps the long-run error rate in bursts, with variance (2·meanSize − 1) times the mean', () => {
    const rng = createRandom(21);
    const n = 6000;
    const side = { errorRate: 0.01, latencyMs: { p50: 40, p99: 180 }, failureBursts: { meanSize: 4 } };
    const counts: number[] = [];
    for (let i = 0; i < n; i++) counts.push(sampleFailures(1000, side, rng));
    const mean = counts.reduce((a, b) => a + b, 0) / n;
    const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    // Compound Poisson: mean λ = 10, variance λ·E[S²]/E[S] = λ(2m − 1) = 70 for geometric sizes of mean m = 4.
    expect(Math.abs(mean - 10)).toBeLessThan(5 * Math.sqrt(70 / n));
    expect(variance / mean).toBeGreaterThan(6);
    expect(variance / mean).toBeLessThan(8);
    const independent = Array.from({ length: n }, () =>
      sampleFailures(1000, { ...side, failureBursts: undefined }, rng),
    );
    const m2 = independent.reduce((a, b) => a + b, 0) / n;
    const v2 = independent.reduce((a, b) => a + (b - m2) ** 2, 0) / (n - 1);
    expect(v2 / m2).toBeGreaterThan(0.85);
    expect(v2 / m2).toBeLessThan(1.15);
  });

  it("reports Linkerd's bucket counts, adding up to the window's requests, with histogram_quantile p50/p99", () => {
    const rng = createRandom(22);
    const w = sampleWindow({ ...base, rps: 200 }, rng, 'histogram');
    const h = w.primary?.latencyHistogram;
    expect(h?.boundsMs).toEqual(LINKERD_LATENCY_BOUNDS_MS);
    expect(h?.counts).toHaveLength(LINKERD_LATENCY_BOUNDS_MS.length + 1);
    expect(h?.counts.reduce((a, b) => a + b, 0)).toBe(requests(w.primary));
    // p50 40ms falls in the (30, 40] or (40, 50] bucket; p99 180ms in (100, 200].
    expect(w.primary?.p50Ms).toBeGreaterThan(30);
    expect(w.primary?.p50Ms).toBeLessThanOrEqual(50);
    expect(w.primary?.p99Ms).toBeGreaterThan(100);
    expect(w.primary?.p99Ms).toBeLessThanOrEqual(300);
    expect(sampleWindow(base, rng).primary?.latencyHistogram).toBeUndefined();
  });

  it('computes histogram_quantile as Prometheus documents it', () => {
    const h = { boundsMs: [10, 20, 50], counts: [50, 30, 19, 1] };
    expect(histogramQuantile(0.5, h)).toBe(10);
    expect(histogramQuantile(0.65, h)).toBe(15);
    expect(histogramQuantile(0.99, h)).toBe(50);
    expect(histogramQuantile(0.995, h)).toBe(50);
    expect(histogramQuantile(0.5, { boundsMs: [10], counts: [0, 0] })).toBeNull();
  });

  it('draws multinomial bucket counts with the log-normal bucket probabilities', () => {
    const rng = createRandom(23);
    let above = 0;
    let total = 0;
    for (let i = 0; i < 400; i++) {
      const h = sampleWindow({ ...base, rps: 100 }, rng, 'histogram').primary?.latencyHistogram;
      if (!h) continue;
      total += h.counts.reduce((a, b) => a + b, 0);
      above += h.counts.slice(LINKERD_LATENCY_BOUNDS_MS.indexOf(100) + 1).reduce((a, b) => a + b, 0);
    }
    const { mu, sigma } = logNormalOf(base.primary.latencyMs);
    const p = 1 - normalCdf((Math.log(100) - mu) / sigma);
    expect(Math.abs(above / total - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / total));
  });
});

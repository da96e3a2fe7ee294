import { normalCdf, normalQuantile } from '../analysis/normal.js';
import { nearestRank } from '../analysis/sample-quantile.js';
import type { LatencyHistogram, WorkloadWindow } from '../model/observation.js';
import { LINKERD_LATENCY_BOUNDS_MS } from './linkerd-buckets.js';
import type { Random } from './random.js';

export interface LatencyMs {
  p50: number;
  p99: number;
}

/** How one side (canary or primary) behaves: probability a request fails, and its latency quantiles. */
export interface SideConditions {
  /** Long-run share of requests that fail. */
  errorRate: number;
  latencyMs: LatencyMs;
  /** Failures come in bursts of geometric size with this mean (absent or 1: each request fails on its own). */
  failureBursts?: { meanSize: number } | undefined;
}

/**
 * What the metric source reports: `quantiles` (p50 and p99 values, as the SMI Traffic Metrics API gives them) or
 * `histogram` (Linkerd's latency bucket counts, as Prometheus gives them, with p50 and p99 from
 * `histogram_quantile` over those buckets).
 */
export type MetricsShape = 'quantiles' | 'histogram';

/** Traffic over a stretch of time in which nothing changes. */
export interface WindowConditions {
  /** Requests per second arriving at the service (both sides). */
  rps: number;
  /** Percent of requests routed to the canary. */
  canaryWeight: number;
  seconds: number;
  canary: SideConditions;
  primary: SideConditions;
}

export interface SampledWindow {
  /** null when the side got no requests, as a metric source reports "no data". */
  canary: WorkloadWindow | null;
  primary: WorkloadWindow | null;
}

const Z99 = normalQuantile(0.99);

/**
 * One analysis window of simulated traffic. Requests arrive as a Poisson process split by the canary weight; each
 * fails independently with the side's error rate, so successes and failures are independent Poisson counts.
 * Latencies are log-normal through the side's p50 and p99. The window's p50 and p99 are its nearest-rank
 * quantiles, drawn without drawing every latency: the k-th of n uniforms is Beta(k, n + 1 − k), and given it,
 * the next order statistic up is a Beta-distributed step into what is left above it.
 */
export function sampleWindow(
  conditions: WindowConditions,
  rng: Random,
  shape: MetricsShape = 'quantiles',
): SampledWindow {
  return sampleSegments([conditions], rng, shape);
}

/** A window whose conditions change along the way (a scenario change point falls inside it). */
export function sampleSegments(
  segments: readonly WindowConditions[],
  rng: Random,
  shape: MetricsShape = 'quantiles',
): SampledWindow {
  return {
    canary: sampleSide(
      segments.map((s) => ({ mean: (s.rps * s.seconds * s.canaryWeight) / 100, side: s.canary })),
      rng,
      shape,
    ),
    primary: sampleSide(
      segments.map((s) => ({ mean: (s.rps * s.seconds * (100 - s.canaryWeight)) / 100, side: s.primary })),
      rng,
      shape,
    ),
  };
}

/**
 * Failures among `mean` expected requests. Independent failures are Poisson. In bursts, the bursts arrive as a
 * Poisson process at rate errorRate / meanSize and each fails a geometric number of requests (1, 2, … with mean
 * meanSize), so the long-run error rate is still errorRate. A sum of b such sizes is b plus a negative binomial,
 * drawn as a Poisson with a Gamma(b) mean.
 */
export function sampleFailures(mean: number, side: SideConditions, rng: Random): number {
  const size = side.failureBursts?.meanSize ?? 1;
  const expected = mean * side.errorRate;
  if (size <= 1) return rng.poisson(expected);
  const bursts = rng.poisson(expected / size);
  return bursts === 0 ? 0 : bursts + rng.poisson(rng.gamma(bursts) * (size - 1));
}

interface Component {
  /** Requests this stretch got, and the log-normal of its latencies. */
  count: number;
  mu: number;
  sigma: number;
}

function sampleSide(
  parts: readonly { mean: number; side: SideConditions }[],
  rng: Random,
  shape: MetricsShape,
): WorkloadWindow | null {
  let successCount = 0;
  let failureCount = 0;
  const components: Component[] = [];
  for (const { mean, side } of parts) {
    const failures = sampleFailures(mean, side, rng);
    const successes = rng.poisson(mean * (1 - side.errorRate));
    successCount += successes;
    failureCount += failures;
    if (successes + failures > 0)
      components.push({ count: successes + failures, ...logNormalOf(side.latencyMs) });
  }
  const n = successCount + failureCount;
  if (n === 0) return null;
  if (shape === 'histogram') {
    const latencyHistogram = sampleHistogram(components, rng);
    return {
      successCount,
      failureCount,
      p50Ms: histogramQuantile(0.5, latencyHistogram),
      p99Ms: histogramQuantile(0.99, latencyHistogram),
      latencyHistogram,
    };
  }
  const k50 = nearestRank(0.5, n);
  const k99 = nearestRank(0.99, n);
  const u50 = rng.beta(k50, n + 1 - k50);
  const u99 = k99 === k50 ? u50 : u50 + (1 - u50) * rng.beta(k99 - k50, n + 1 - k99);
  return {
    successCount,
    failureCount,
    p50Ms: quantileOf(components, u50),
    p99Ms: quantileOf(components, u99),
  };
}

/** The log-normal through p50 and p99: μ = ln p50, σ = ln(p99 / p50) / Φ⁻¹(0.99). */
export function logNormalOf(latency: LatencyMs): { mu: number; sigma: number } {
  return { mu: Math.log(latency.p50), sigma: Math.log(latency.p99 / latency.p50) / Z99 };
}

/** The u-quantile of the window's latency mix (one log-normal per stretch, weighted by its requests). */
function quantileOf(components: readonly Component[], u: number): number {
  const only = components[0];
  if (components.length === 1 && only) return Math.exp(only.mu + only.sigma * normalQuantile(u));
  const total = components.reduce((sum, c) => sum + c.count, 0);
  const cdf = (y: number): number =>
    components.reduce((sum, c) => {
      const p = c.sigma > 0 ? normalCdf((y - c.mu) / c.sigma) : y >= c.mu ? 1 : 0;
      return sum + (c.count / total) * p;
    }, 0);
  let lo = Math.min(...components.map((c) => c.mu - 12 * c.sigma)) - 1e-9;
  let hi = Math.max(...components.map((c) => c.mu + 12 * c.sigma)) + 1e-9;
  for (let i = 0; i < 100 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < u) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** Each stretch's requests spread over Linkerd's buckets: multinomial, drawn as successive binomials. */
function sampleHistogram(components: readonly Component[], rng: Random): LatencyHistogram {
  const bounds = LINKERD_LATENCY_BOUNDS_MS;
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const c of components) {
    let left = c.count;
    let below = 0;
    for (let i = 0; i < bounds.length && left > 0; i++) {
      const upTo = c.sigma > 0 ? normalCdf((Math.log(bounds[i] ?? 0) - c.mu) / c.sigma) : 0;
      const share = below >= 1 ? 1 : Math.min(1, Math.max(0, (upTo - below) / (1 - below)));
      const k = rng.binomial(left, share);
      counts[i] = (counts[i] ?? 0) + k;
      left -= k;
      below = upTo;
    }
    counts[bounds.length] = (counts[bounds.length] ?? 0) + left;
  }
  return { boundsMs: [...bounds], counts };
}

/**
 * Prometheus's `histogram_quantile`, written here from its documentation rather than shared with the product:
 * find the bucket holding rank φ·total and interpolate linearly inside it (from 0 for the first bucket); a rank
 * in the `+Inf` bucket answers the highest finite bound.
 */
export function histogramQuantile(phi: number, histogram: LatencyHistogram): number | null {
  const total = histogram.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = phi * total;
  let cumulative = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    const count = histogram.counts[i] ?? 0;
    if (cumulative + count >= rank && count > 0) {
      if (i >= histogram.boundsMs.length) return histogram.boundsMs[histogram.boundsMs.length - 1] ?? null;
      const start = i === 0 ? 0 : (histogram.boundsMs[i - 1] ?? 0);
      const end = histogram.boundsMs[i] ?? start;
      return start + ((end - start) * (rank - cumulative)) / count;
    }
    cumulative += count;
  }
  return histogram.boundsMs[histogram.boundsMs.length - 1] ?? null;
}

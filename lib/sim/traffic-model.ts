import { normalCdf, normalQuantile } from '../analysis/normal.js';
import { nearestRank } from '../analysis/sample-quantile.js';
import type { WorkloadWindow } from '../model/observation.js';
import type { Random } from './random.js';

export interface LatencyMs {
  p50: number;
  p99: number;
}

/** How one side (canary or primary) behaves: probability a request fails, and its latency quantiles. */
export interface SideConditions {
  errorRate: number;
  latencyMs: LatencyMs;
}

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
export function sampleWindow(conditions: WindowConditions, rng: Random): SampledWindow {
  return sampleSegments([conditions], rng);
}

/** A window whose conditions change along the way (a scenario change point falls inside it). */
export function sampleSegments(segments: readonly WindowConditions[], rng: Random): SampledWindow {
  return {
    canary: sampleSide(
      segments.map((s) => ({ mean: (s.rps * s.seconds * s.canaryWeight) / 100, side: s.canary })),
      rng,
    ),
    primary: sampleSide(
      segments.map((s) => ({ mean: (s.rps * s.seconds * (100 - s.canaryWeight)) / 100, side: s.primary })),
      rng,
    ),
  };
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
): WorkloadWindow | null {
  let successCount = 0;
  let failureCount = 0;
  const components: Component[] = [];
  for (const { mean, side } of parts) {
    const failures = rng.poisson(mean * side.errorRate);
    const successes = rng.poisson(mean * (1 - side.errorRate));
    successCount += successes;
    failureCount += failures;
    if (successes + failures > 0)
      components.push({ count: successes + failures, ...logNormalOf(side.latencyMs) });
  }
  const n = successCount + failureCount;
  if (n === 0) return null;
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

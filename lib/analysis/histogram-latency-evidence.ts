import type { LatencyHistogram, WorkloadWindow } from '../model/observation.js';
import { oddsRatioLogLikelihoodRatios } from './hypergeometric.js';
import { oddsOf } from './sprt.js';

export interface HistogramLatencyEvidence {
  /** ln likelihood ratio of each alternative (canary latencies = primary's × e^shift) against "same latency". */
  logLikelihoodRatios: number[];
  /** Latency (ms) above which a request counts as slow: the upper bound of the bucket holding the reference p99. */
  thresholdMs: number;
  canarySlow: number;
  primarySlow: number;
}

/**
 * One window's evidence that the canary is slower, from latency bucket counts (Prometheus histograms).
 *
 * A request is "slow" when it lands above the bucket that holds the primary's p99 over the earlier windows
 * (`reference`; never this window's, so the threshold does not depend on the data it judges). If canary and
 * primary have the same latency distribution, every request is slow with the same probability, whatever it is, so
 * given both sides' request counts and the window's slow requests, the canary's share of them is hypergeometric:
 * an exact null, as for errors (hypergeometric.ts), with no model of the latency's shape. Under the alternative the
 * canary's latencies are the primary's times e^shift, so its chance of being slow is the reference's chance of
 * exceeding threshold / e^shift (read off the reference histogram, log-linear inside a bucket), and the canary's
 * share follows Fisher's noncentral law with the corresponding odds ratio.
 *
 * null when the reference is empty, puts no request above the threshold, or either side has no buckets.
 */
export function histogramLatencyEvidence(
  canary: WorkloadWindow | null,
  primary: WorkloadWindow | null,
  reference: LatencyHistogram | undefined,
  shifts: readonly number[],
): HistogramLatencyEvidence | null {
  const c = canary?.latencyHistogram;
  const p = primary?.latencyHistogram;
  if (!c || !p || !reference || !sameBounds(c, reference) || !sameBounds(p, reference)) return null;
  const total = sum(reference.counts);
  if (total <= 0) return null;
  const bucket = Math.min(quantileBucket(reference, 0.99), reference.boundsMs.length - 1);
  const thresholdMs = reference.boundsMs[bucket] ?? 0;
  const slowShare = sum(reference.counts.slice(bucket + 1)) / total;
  if (!(slowShare > 0 && slowShare < 1)) return null;
  const nC = Math.round(sum(c.counts));
  const nP = Math.round(sum(p.counts));
  if (nC === 0 || nP === 0) return null;
  const canarySlow = Math.round(sum(c.counts.slice(bucket + 1)));
  const primarySlow = Math.round(sum(p.counts.slice(bucket + 1)));
  const oddsRatios = shifts.map((shift) => {
    const slowed = Math.min(exceedance(reference, thresholdMs / Math.exp(shift)), 0.999);
    return Math.max(1, oddsOf(Math.max(slowed, slowShare)) / oddsOf(slowShare));
  });
  const logLikelihoodRatios = oddsRatioLogLikelihoodRatios(
    {
      canaryFailures: canarySlow,
      canaryRequests: nC,
      primaryRequests: nP,
      totalFailures: canarySlow + primarySlow,
    },
    oddsRatios,
  );
  return { logLikelihoodRatios, thresholdMs, canarySlow, primarySlow };
}

/** Adds a window's bucket counts to the running reference (a new reference when the bounds differ). */
export function addToReference(
  reference: LatencyHistogram | undefined,
  window: WorkloadWindow | null,
): LatencyHistogram | undefined {
  const h = window?.latencyHistogram;
  if (!h) return reference;
  if (!reference || !sameBounds(h, reference)) return { boundsMs: [...h.boundsMs], counts: [...h.counts] };
  return { boundsMs: reference.boundsMs, counts: reference.counts.map((n, i) => n + (h.counts[i] ?? 0)) };
}

/** Index of the bucket holding the φ-quantile. */
function quantileBucket(h: LatencyHistogram, phi: number): number {
  const rank = phi * sum(h.counts);
  let cumulative = 0;
  for (let i = 0; i < h.counts.length; i++) {
    cumulative += h.counts[i] ?? 0;
    if (cumulative >= rank) return i;
  }
  return h.counts.length - 1;
}

/** Share of the histogram's requests above `ms`, log-linear inside the bucket that holds it. */
function exceedance(h: LatencyHistogram, ms: number): number {
  const total = sum(h.counts);
  let above = total;
  for (let i = 0; i < h.boundsMs.length; i++) {
    const upper = h.boundsMs[i] ?? 0;
    const lower = i === 0 ? upper / 2 : (h.boundsMs[i - 1] ?? 0);
    const count = h.counts[i] ?? 0;
    if (ms >= upper) {
      above -= count;
      continue;
    }
    if (ms > lower) above -= (count * Math.log(ms / lower)) / Math.log(upper / lower);
    break;
  }
  return Math.max(0, above) / total;
}

function sameBounds(a: LatencyHistogram, b: LatencyHistogram): boolean {
  return a.boundsMs.length === b.boundsMs.length && a.boundsMs.every((x, i) => x === b.boundsMs[i]);
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

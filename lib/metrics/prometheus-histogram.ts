import type { LatencyHistogram } from '../model/observation.js';
import type { VectorSample } from './prometheus-response.js';

/** What a bucket query's answer says about one side's latency. */
export type BucketReading =
  | { kind: 'histogram'; histogram: LatencyHistogram }
  /** No bucket series at all: this Prometheus has no latency histogram for the workload. */
  | { kind: 'absent' }
  /** Bucket series that cannot be read as one histogram; `reason` says why, in words. */
  | { kind: 'unusable'; reason: string };

/**
 * Requests that may go missing between two cumulative buckets before the answer counts as broken: increase()
 * extrapolates each series to the window's edges on its own, so neighbouring buckets can disagree by a fraction
 * of a request. Anything more is a counter reset or a scrape race, not rounding.
 */
const TOLERANCE = 1;

/**
 * Turns the answer to `sum by (le) (increase(response_latency_ms_bucket{…}[w]))` into per-bucket request counts.
 *
 * Prometheus histograms are cumulative (`le="50"` counts every request that took at most 50 ms; `le="+Inf"` all of
 * them), the samples come in no particular order, and `le` is spelt as the exporter wrote it ("50", or "50.0"
 * once Prometheus 3 normalises it), so bounds are compared as numbers and samples on the same bound are added.
 * The counts are rounded like every request count the judges see.
 *
 * Unusable, so the judge gets no latency evidence from the window rather than evidence from a broken histogram:
 * a sample without a numeric `le`, a NaN or infinite count, no `+Inf` bucket (the total and the slow tail are
 * unknown), or cumulative counts that fall by more than a request from one bound to the next.
 */
export function latencyHistogramFrom(samples: readonly VectorSample[]): BucketReading {
  if (samples.length === 0) return { kind: 'absent' };
  const byBound = new Map<number, number>();
  for (const sample of samples) {
    const le = sample.metric.le;
    if (le === undefined) return { kind: 'unusable', reason: 'a bucket sample has no le label' };
    const bound = le.trim() === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    if (le.trim() === '' || Number.isNaN(bound) || bound <= 0) {
      return { kind: 'unusable', reason: `bucket le="${le.slice(0, 40)}" is not a positive number` };
    }
    if (sample.value === null) {
      return { kind: 'unusable', reason: `bucket le="${le}" has a NaN or infinite count` };
    }
    byBound.set(bound, (byBound.get(bound) ?? 0) + sample.value);
  }
  const total = byBound.get(Number.POSITIVE_INFINITY);
  if (total === undefined)
    return { kind: 'unusable', reason: 'no le="+Inf" bucket, so the total is unknown' };
  const boundsMs = [...byBound.keys()].filter(Number.isFinite).sort((a, b) => a - b);
  if (boundsMs.length === 0)
    return { kind: 'unusable', reason: 'only the le="+Inf" bucket, no finite bound' };
  const cumulative = [...boundsMs.map((b) => byBound.get(b) ?? 0), total];
  const counts: number[] = [];
  let below = 0;
  for (let i = 0; i < cumulative.length; i++) {
    const upTo = cumulative[i] ?? 0;
    const previous = i === 0 ? 0 : (cumulative[i - 1] ?? 0);
    if (upTo < previous - TOLERANCE) {
      const from = boundsMs[i - 1];
      const to = i < boundsMs.length ? `le="${boundsMs[i]}"` : 'le="+Inf"';
      return {
        kind: 'unusable',
        reason: `bucket counts fall from ${fmt(previous)} at le="${from}" to ${fmt(upTo)} at ${to} (a counter reset or a scrape race)`,
      };
    }
    // Within the tolerance a dip is extrapolation noise: hold the running maximum, as histogram_quantile does.
    const rounded = Math.max(below, Math.round(upTo));
    counts.push(rounded - below);
    below = rounded;
  }
  return { kind: 'histogram', histogram: { boundsMs, counts } };
}

const fmt = (n: number): string => String(+n.toFixed(2));

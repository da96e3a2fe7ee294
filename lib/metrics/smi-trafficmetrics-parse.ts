import { z } from 'zod';
import { parseQuantity } from '../kube/quantity.js';
import { parseGoDuration } from './go-duration.js';

/** Milliseconds per latency unit: real smi-metrics servers say `ms`, the spec's example says `seconds`. */
const LATENCY_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  milliseconds: 1,
  s: 1000,
  seconds: 1000,
};

const QuantitySchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseQuantity(value, 'value');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const MetricSchema = z.looseObject({
  name: z.string(),
  unit: z.string().optional(),
  value: QuantitySchema,
});

const WindowSchema = z.string().transform((value, ctx) => {
  try {
    return parseGoDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `window: ${(error as Error).message}` });
    return z.NEVER;
  }
});

/**
 * One `metrics.smi-spec.io/v1alpha1` TrafficMetrics object, in the spec's shape (`edge.side`, latency in
 * `seconds`) or the smi-metrics server's (no `side`, `ms`, milli-quantities such as `"28580m"`, the window
 * echoed as a Go duration like `"1m0s"`).
 */
export const TrafficMetricsSchema = z.looseObject({
  kind: z.literal('TrafficMetrics').optional(),
  window: WindowSchema.optional(),
  resource: z
    .looseObject({ kind: z.string(), name: z.string(), namespace: z.string().optional() })
    .optional(),
  // Go's encoder writes nil pointers as null: a query for a whole workload has no peer resource.
  edge: z
    .looseObject({
      direction: z.enum(['from', 'to']).optional(),
      side: z.enum(['client', 'server']).optional(),
      resource: z.looseObject({}).nullable().optional(),
    })
    .nullable()
    .optional(),
  metrics: z.array(MetricSchema),
});

export const TrafficMetricsListSchema = z.looseObject({
  kind: z.literal('TrafficMetricsList').optional(),
  items: z.array(TrafficMetricsSchema),
});

/** One workload's traffic as the SMI metrics API reports it (counts may be fractional: they are rates × window). */
export interface SmiWorkloadMetrics {
  successCount: number;
  failureCount: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface ParsedTrafficMetrics {
  /** The window the server says it used, in seconds; null when it did not say. */
  windowSeconds: number | null;
  /** null when the success or failure count is missing, or nothing was counted: no data. */
  workload: SmiWorkloadMetrics | null;
}

export class TrafficMetricsFormatError extends Error {
  override name = 'TrafficMetricsFormatError';
}

export function parseTrafficMetrics(body: unknown, what: string): ParsedTrafficMetrics {
  const parsed = TrafficMetricsSchema.safeParse(body);
  if (!parsed.success) {
    throw new TrafficMetricsFormatError(
      `${what}: not a TrafficMetrics object: ${z.prettifyError(parsed.error)}`,
    );
  }
  return toParsed(parsed.data, what);
}

/** Each item of a TrafficMetricsList (the `/edges` answer), in order. */
export function parseTrafficMetricsList(body: unknown, what: string): ParsedTrafficMetrics[] {
  const parsed = TrafficMetricsListSchema.safeParse(body);
  if (!parsed.success) {
    throw new TrafficMetricsFormatError(
      `${what}: not a TrafficMetricsList: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data.items.map((item, i) => toParsed(item, `${what} item ${i}`));
}

function toParsed(metrics: z.infer<typeof TrafficMetricsSchema>, what: string): ParsedTrafficMetrics {
  const byName = new Map(metrics.metrics.map((m) => [m.name, m]));
  const count = (name: string): number | null => {
    const metric = byName.get(name);
    if (metric === undefined) return null;
    if (metric.value < 0)
      throw new TrafficMetricsFormatError(`${what}: ${name} is negative (${metric.value})`);
    return metric.value;
  };
  const latency = (name: string): number | null => {
    const metric = byName.get(name);
    if (metric === undefined) return null;
    const unit = metric.unit ?? 'ms';
    const factor = LATENCY_UNIT_MS[unit];
    if (factor === undefined) {
      throw new TrafficMetricsFormatError(
        `${what}: ${name} has unit ${JSON.stringify(unit)}; expected one of ${Object.keys(LATENCY_UNIT_MS).join(', ')}`,
      );
    }
    if (metric.value < 0)
      throw new TrafficMetricsFormatError(`${what}: ${name} is negative (${metric.value})`);
    // Same trick as quantities: one rounding of the product, so 10m seconds reads as exactly 10 ms.
    return Number((metric.value * factor).toPrecision(15));
  };
  const successCount = count('success_count');
  const failureCount = count('failure_count');
  const workload =
    successCount === null || failureCount === null || successCount + failureCount === 0
      ? null
      : {
          successCount,
          failureCount,
          p50Ms: latency('p50_response_latency'),
          p99Ms: latency('p99_response_latency'),
        };
  return { windowSeconds: metrics.window ?? null, workload };
}

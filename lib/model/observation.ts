import { z } from 'zod';

/**
 * Requests per latency bucket over a window, as a Prometheus histogram gives them (Linkerd's
 * `response_latency_ms_bucket`), made non-cumulative: `counts[i]` requests took at most `boundsMs[i]` and more
 * than the bound before; the last count is the `+Inf` bucket (slower than every finite bound).
 */
export const LatencyHistogramSchema = z
  .object({
    boundsMs: z.array(z.number().positive()).min(1),
    counts: z.array(z.number().min(0)),
  })
  .refine((h) => h.counts.length === h.boundsMs.length + 1, {
    message: 'counts must have one entry per bound plus the +Inf bucket',
    path: ['counts'],
  })
  .refine((h) => h.boundsMs.every((b, i) => i === 0 || b > (h.boundsMs[i - 1] ?? 0)), {
    message: 'bucket bounds must increase',
    path: ['boundsMs'],
  });
export type LatencyHistogram = z.infer<typeof LatencyHistogramSchema>;

/** One workload's traffic over one analysis window. `null` in a window means "no data" (never "zero"). */
export const WorkloadWindowSchema = z.object({
  successCount: z.number().min(0),
  failureCount: z.number().min(0),
  /** Latency quantiles in milliseconds; null when the source had none (e.g. no requests). */
  p50Ms: z.number().min(0).nullable(),
  p99Ms: z.number().min(0).nullable(),
  /** Latency bucket counts, when the source has them (Prometheus); quantile-only sources leave it out. */
  latencyHistogram: LatencyHistogramSchema.optional(),
  /**
   * Why the source could not read this side's latency (broken bucket counts): no latency evidence comes from the
   * window, and explanations say why. Absent when latency was read, or the source has none to give.
   */
  latencyProblem: z.string().max(300).optional(),
});
export type WorkloadWindow = z.infer<typeof WorkloadWindowSchema>;

/** What every metric source returns, whatever its wire shape: canary and primary over the same window. */
export const MetricsWindowSchema = z.object({
  windowSeconds: z.number().positive(),
  canary: WorkloadWindowSchema.nullable(),
  primary: WorkloadWindowSchema.nullable(),
});
export type MetricsWindow = z.infer<typeof MetricsWindowSchema>;

export const WeightsSchema = z.object({
  primary: z.number().min(0).max(100),
  canary: z.number().min(0).max(100),
});
export type Weights = z.infer<typeof WeightsSchema>;

/** A Deployment as the core needs to see it. */
export const DeploymentViewSchema = z.object({
  name: z.string(),
  exists: z.boolean(),
  /** Image of the first container. */
  image: z.string().nullable(),
  /** Stable hash of `spec.template.spec` (labels excluded: primary and canary select different pods). */
  podSpecHash: z.string().nullable(),
  replicas: z.number().int().min(0),
  readyReplicas: z.number().int().min(0),
  updatedReplicas: z.number().int().min(0),
  availableReplicas: z.number().int().min(0),
  /** Rolled out: observedGeneration caught up, all replicas updated and available. */
  available: z.boolean(),
});
export type DeploymentView = z.infer<typeof DeploymentViewSchema>;

/** The cluster as one tick read it. */
export const ClusterViewSchema = z.object({
  weights: WeightsSchema,
  primary: DeploymentViewSchema,
  canary: DeploymentViewSchema,
});
export type ClusterView = z.infer<typeof ClusterViewSchema>;

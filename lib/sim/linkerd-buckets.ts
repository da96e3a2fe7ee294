/**
 * Upper bounds (ms) of Linkerd's proxy latency histogram `response_latency_ms` (linkerd2-proxy's default
 * buckets); Prometheus adds the `+Inf` bucket. The simulator draws bucket counts on these bounds, as a real
 * Prometheus would return them.
 */
export const LINKERD_LATENCY_BOUNDS_MS: readonly number[] = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1_000, 2_000, 3_000, 4_000, 5_000, 10_000,
  20_000, 30_000, 40_000, 50_000,
];

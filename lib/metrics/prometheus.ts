import type { KubeConfig } from '@kubernetes/client-node';
import { TimeoutKubeConfig } from '../cluster/request-timeout.js';
import type { ResolvedTarget } from '../model/config.js';
import type { MetricsWindow, WorkloadWindow } from '../model/observation.js';
import type { MetricSource } from './metric-source.js';
import { latencyHistogramFrom } from './prometheus-histogram.js';
import { parseVectorResponse, type VectorSample } from './prometheus-response.js';
import { serviceProxyTransport } from './prometheus-service-proxy.js';
import {
  type DirectTransportOptions,
  directTransport,
  type PrometheusTransport,
} from './prometheus-transport.js';
import {
  type LinkerdWorkload,
  latencyBucketQuery,
  latencyQuantileQuery,
  responseCountQuery,
} from './promql-linkerd.js';

export interface PrometheusSourceOptions extends DirectTransportOptions {
  /** Replaces the transport the target's config would pick. */
  transport?: PrometheusTransport;
  /** Milliseconds since the epoch: all queries of one window are evaluated at the same instant. */
  clock?: () => number;
  /** Budget for all queries of one read; defaults to the cluster's request timeout through the service proxy, else 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Canary and primary traffic from Prometheus, using Linkerd's proxy metrics. A side with no series, NaN or
 * infinite counts, or zero requests in the window is `null` (no data); a NaN latency quantile is a `null` quantile.
 * Each side also carries its latency bucket counts (`latencyHistogram`), so the judge tests latency on the
 * histogram itself; when the buckets cannot be read as one histogram (prometheus-histogram.ts), the side has no
 * latency at all (`latencyProblem` says why) rather than quantiles interpolated from broken buckets.
 */
export function createPrometheusMetricSource(
  kubeConfig: KubeConfig,
  target: ResolvedTarget,
  options: PrometheusSourceOptions = {},
): MetricSource {
  const metrics = target.metrics;
  if (metrics.kind !== 'prometheus') {
    throw new Error(`target "${target.name}": metrics kind is "${metrics.kind}", not "prometheus"`);
  }
  const transport =
    options.transport ??
    (metrics.url !== undefined
      ? directTransport(metrics.url, metrics.auth, options)
      : metrics.serviceProxy !== undefined
        ? serviceProxyTransport(kubeConfig, metrics.serviceProxy)
        : undefined);
  if (!transport) throw new Error(`target "${target.name}": prometheus needs a url or a serviceProxy`);
  const clock = options.clock ?? Date.now;
  // Through the service proxy the query is a call to the cluster's API server: it gets the cluster's timeout.
  const timeoutMs =
    options.timeoutMs ??
    (metrics.url === undefined && kubeConfig instanceof TimeoutKubeConfig
      ? kubeConfig.requestTimeoutMs
      : DEFAULT_TIMEOUT_MS);

  return {
    async read(windowSeconds: number): Promise<MetricsWindow> {
      if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) {
        throw new Error(`window must be a positive number of seconds, got ${windowSeconds}`);
      }
      // PromQL ranges are whole durations; a window shorter than a second has nothing to say anyway.
      const seconds = Math.max(1, Math.round(windowSeconds));
      const time = clock() / 1000;
      const signal = AbortSignal.timeout(timeoutMs);
      const run = async (query: string): Promise<VectorSample[]> => {
        const response = await transport(query, time, signal);
        return parseVectorResponse(
          response.status,
          response.body,
          `prometheus query for target "${target.name}"`,
        );
      };
      const side = (deployment: string) =>
        readWorkload(run, { namespace: target.namespace, deployment }, seconds);
      const [canary, primary] = await Promise.all([
        side(target.canary.deployment),
        side(target.primary.deployment),
      ]);
      return { windowSeconds: seconds, canary, primary };
    },
  };
}

async function readWorkload(
  run: (query: string) => Promise<VectorSample[]>,
  workload: LinkerdWorkload,
  windowSeconds: number,
): Promise<WorkloadWindow | null> {
  const [counts, p50, p99, buckets] = await Promise.all([
    run(responseCountQuery(workload, windowSeconds)),
    run(latencyQuantileQuery(workload, 0.5, windowSeconds)),
    run(latencyQuantileQuery(workload, 0.99, windowSeconds)),
    run(latencyBucketQuery(workload, windowSeconds)),
  ]);
  if (counts.length === 0 || counts.some((s) => s.value === null)) return null;
  let successCount = 0;
  let failureCount = 0;
  for (const sample of counts) {
    // increase() extrapolates to the window's edges, so counts come back fractional; the judges count requests.
    const n = Math.max(0, Math.round(sample.value ?? 0));
    // Same split as Flagger's Linkerd success rate: anything not classified as a failure succeeded.
    if (sample.metric.classification === 'failure') failureCount += n;
    else successCount += n;
  }
  if (successCount + failureCount === 0) return null;
  const latency = latencyHistogramFrom(buckets);
  if (latency.kind === 'unusable') {
    return { successCount, failureCount, p50Ms: null, p99Ms: null, latencyProblem: latency.reason };
  }
  return {
    successCount,
    failureCount,
    p50Ms: quantile(p50),
    p99Ms: quantile(p99),
    ...(latency.kind === 'histogram' ? { latencyHistogram: latency.histogram } : {}),
  };
}

function quantile(samples: VectorSample[]): number | null {
  const value = samples[0]?.value ?? null;
  return value === null || value < 0 ? null : value;
}

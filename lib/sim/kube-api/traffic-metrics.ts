import { formatGoDuration } from './go-duration.js';
import { kubeTimestamp } from './kube-object.js';
import { formatDecimalQuantity } from './quantity.js';

export const METRICS_GROUP = 'metrics.smi-spec.io';
export const METRICS_VERSION = 'v1alpha1';
export const METRICS_API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

/** What the simulated mesh is asked: one workload's traffic over the last `windowSeconds`. */
export interface TrafficQuery {
  namespace: string;
  kind: 'Deployment';
  name: string;
  windowSeconds: number;
}

/** One workload's inbound traffic over a window; latencies in milliseconds. */
export interface TrafficSample {
  successCount: number;
  failureCount: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

/** null means "no traffic in the window", which the metrics API answers with a 500 and a plain-text body. */
export type MetricsProvider = (query: TrafficQuery) => TrafficSample | null | Promise<TrafficSample | null>;

/**
 * `smi-metrics`: what the real smi-metrics server sends (`unit: ms`, milli-quantities, no `edge.side`).
 * `spec`: the SMI spec's example (`unit: seconds`, `edge.side`).
 */
export type MetricsShape = 'smi-metrics' | 'spec';

export interface WorkloadRef {
  kind: 'Deployment';
  namespace: string;
  name: string;
}

export function trafficMetrics(
  shape: MetricsShape,
  resource: WorkloadRef,
  windowSeconds: number,
  sample: TrafficSample,
  selfLink: string,
): Record<string, unknown> {
  const now = kubeTimestamp();
  return {
    kind: 'TrafficMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: { name: resource.name, namespace: resource.namespace, selfLink, creationTimestamp: now },
    timestamp: now,
    window: formatGoDuration(windowSeconds),
    resource,
    // All inbound traffic, whoever sent it.
    edge:
      shape === 'spec'
        ? { direction: 'from', side: 'server', resource: {} }
        : { direction: 'from', resource: null },
    metrics: metricValues(shape, sample),
  };
}

export function trafficMetricsList(
  resource: Partial<WorkloadRef>,
  selfLink: string,
  items: Record<string, unknown>[],
): Record<string, unknown> {
  return {
    kind: 'TrafficMetricsList',
    apiVersion: METRICS_API_VERSION,
    metadata: { selfLink },
    resource,
    items,
  };
}

function metricValues(shape: MetricsShape, sample: TrafficSample): Record<string, string>[] {
  const latency = (name: string, ms: number): Record<string, string> =>
    shape === 'spec'
      ? { name, unit: 'seconds', value: formatDecimalQuantity(ms / 1000, 9) }
      : { name, unit: 'ms', value: formatDecimalQuantity(ms, 3) };
  return [
    latency('p99_response_latency', sample.p99Ms),
    latency('p90_response_latency', sample.p90Ms),
    latency('p50_response_latency', sample.p50Ms),
    { name: 'success_count', value: formatDecimalQuantity(sample.successCount, 3) },
    { name: 'failure_count', value: formatDecimalQuantity(sample.failureCount, 3) },
  ];
}

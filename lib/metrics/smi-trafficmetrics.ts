import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { UnavailableError } from '../errors.js';
import { toKubeError } from '../kube/api-error.js';
import { getJson } from '../kube/get-json.js';
import type { ResolvedTarget } from '../model/config.js';
import type { MetricsWindow, WorkloadWindow } from '../model/observation.js';
import type { MetricSource } from './metric-source.js';
import { parseTrafficMetrics } from './smi-trafficmetrics-parse.js';

const GROUP_VERSION = 'metrics.smi-spec.io/v1alpha1';

/**
 * Canary and primary traffic from the SMI Traffic Metrics API, served through the Kubernetes API server
 * (`/apis/metrics.smi-spec.io/v1alpha1/namespaces/{ns}/deployments/{name}?window=<N>s`). smi-metrics answers
 * 500 (and some servers 404) for a workload without traffic in the window: that side is `null`, no data.
 */
export function createSmiMetricSource(kubeConfig: KubeConfig, target: ResolvedTarget): MetricSource {
  const side = async (deployment: string, seconds: number): Promise<WorkloadWindow | null> => {
    const what = `SMI traffic metrics of Deployment ${target.namespace}/${deployment}`;
    const path = `/apis/${GROUP_VERSION}/namespaces/${encodeURIComponent(target.namespace)}/deployments/${encodeURIComponent(deployment)}`;
    let body: unknown;
    try {
      body = await getJson(kubeConfig, path, { window: `${seconds}s` });
    } catch (error) {
      if (error instanceof ApiException && (error.code === 404 || error.code === 500)) return null;
      const mapped = toKubeError(error, what);
      throw mapped instanceof UnavailableError ? mapped : new UnavailableError(mapped.message);
    }
    let workload: ReturnType<typeof parseTrafficMetrics>['workload'];
    try {
      workload = parseTrafficMetrics(body, what).workload;
    } catch (error) {
      throw new UnavailableError((error as Error).message);
    }
    if (workload === null) return null;
    // Counts are rates × window, so fractional; the judges count whole requests (as with the Prometheus source).
    const successCount = Math.round(workload.successCount);
    const failureCount = Math.round(workload.failureCount);
    if (successCount + failureCount === 0) return null;
    return { successCount, failureCount, p50Ms: workload.p50Ms, p99Ms: workload.p99Ms };
  };

  return {
    async read(windowSeconds: number): Promise<MetricsWindow> {
      if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) {
        throw new Error(`window must be a positive number of seconds, got ${windowSeconds}`);
      }
      // The API takes whole seconds; a window under a second has nothing to say anyway.
      const seconds = Math.max(1, Math.round(windowSeconds));
      const [canary, primary] = await Promise.all([
        side(target.canary.deployment, seconds),
        side(target.primary.deployment, seconds),
      ]);
      return { windowSeconds: seconds, canary, primary };
    },
  };
}

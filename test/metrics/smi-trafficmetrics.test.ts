import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TimeoutKubeConfig } from '../../lib/cluster/request-timeout.js';
import { UnavailableError } from '../../lib/errors.js';
import { createMetricSource } from '../../lib/metrics/create-metric-source.js';
import { createSmiMetricSource } from '../../lib/metrics/smi-trafficmetrics.js';
import {
  type KubeApiDouble,
  type ProxyRequest,
  startKubeApiDouble,
  type TrafficQuery,
  type TrafficSample,
} from '../../lib/sim/kube-api/index.js';
import { namespaceObject } from '../router/kube-objects.js';
import { webTarget } from '../router/targets.js';

const target = webTarget();

const samples: Record<string, TrafficSample> = {
  'web-canary': { successCount: 95, failureCount: 5, p50Ms: 12.5, p90Ms: 40, p99Ms: 120.731 },
  'web-primary': { successCount: 1008.1, failureCount: 28.58, p50Ms: 10, p90Ms: 30, p99Ms: 98 },
};

describe.each(['smi-metrics', 'spec'] as const)('SMI traffic metrics, %s wire shape', (metricsShape) => {
  let double: KubeApiDouble;
  let queries: TrafficQuery[];

  beforeAll(async () => {
    double = await startKubeApiDouble({ metricsShape });
    double.apply(namespaceObject());
  });
  afterAll(() => double.close());
  beforeEach(() => {
    queries = [];
    double.setMetricsProvider((query) => {
      queries.push(query);
      return samples[query.name] ?? null;
    });
  });

  it('reads canary and primary over the window, latencies in milliseconds', async () => {
    const from = double.requests.length;
    const window = await createSmiMetricSource(double.kubeConfig(), target).read(60);
    expect(window).toEqual({
      windowSeconds: 60,
      canary: { successCount: 95, failureCount: 5, p50Ms: 12.5, p99Ms: 120.731 },
      // Rates × window come back fractional; whole requests are counted.
      primary: { successCount: 1008, failureCount: 29, p50Ms: 10, p99Ms: 98 },
    });
    expect(queries.map((q) => `${q.namespace}/${q.name} ${q.windowSeconds}s`).sort()).toEqual([
      'prod/web-canary 60s',
      'prod/web-primary 60s',
    ]);
    expect(
      double.requests
        .slice(from)
        .map((r) => `${r.method} ${r.path}?${r.query} ${r.status}`)
        .sort(),
    ).toEqual([
      'GET /apis/metrics.smi-spec.io/v1alpha1/namespaces/prod/deployments/web-canary?window=60s 200',
      'GET /apis/metrics.smi-spec.io/v1alpha1/namespaces/prod/deployments/web-primary?window=60s 200',
    ]);
  });

  it('asks for whole seconds', async () => {
    const window = await createSmiMetricSource(double.kubeConfig(), target).read(29.6);
    expect(window.windowSeconds).toBe(30);
    expect(queries.map((q) => q.windowSeconds)).toEqual([30, 30]);
  });

  it('reads a workload without traffic (the server answers 500) as no data, not as an error', async () => {
    double.setMetricsProvider((query) =>
      query.name === 'web-canary' ? null : (samples[query.name] ?? null),
    );
    const window = await createSmiMetricSource(double.kubeConfig(), target).read(30);
    expect(window.canary).toBeNull();
    expect(window.primary).toEqual({ successCount: 1008, failureCount: 29, p50Ms: 10, p99Ms: 98 });
  });

  it('reads a window where nothing was counted as no data', async () => {
    double.setMetricsProvider(() => ({ successCount: 0, failureCount: 0.2, p50Ms: 0, p90Ms: 0, p99Ms: 0 }));
    expect(await createSmiMetricSource(double.kubeConfig(), target).read(30)).toEqual({
      windowSeconds: 30,
      canary: null,
      primary: null,
    });
  });

  it('rejects a window that is not a positive number', async () => {
    const source = createSmiMetricSource(double.kubeConfig(), target);
    await expect(source.read(0)).rejects.toThrow('window must be a positive number of seconds, got 0');
    await expect(source.read(Number.NaN)).rejects.toThrow('got NaN');
  });
});

describe('SMI traffic metrics failures', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble();
    double.apply(namespaceObject());
    double.setMetricsProvider((query) => samples[query.name] ?? null);
  });
  afterAll(() => double.close());
  beforeEach(() => double.injectFaults({}));

  it('reports an API server answering 503 as unavailable', async () => {
    double.injectFaults({ failAll: 'unavailable' });
    const error = await createSmiMetricSource(double.kubeConfig(), target)
      .read(30)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(
      /^SMI traffic metrics of Deployment prod\/web-(canary|primary): HTTP 503/,
    );
  });

  it('reports a rejected credential as unavailable, with the Status message', async () => {
    const kubeConfig = double.kubeConfig();
    const user = kubeConfig.getCurrentUser();
    if (!user) throw new Error('the double’s kubeconfig has no user');
    const wrong = new TimeoutKubeConfig(5_000);
    wrong.loadFromOptions({
      clusters: kubeConfig.getClusters(),
      contexts: kubeConfig.getContexts(),
      currentContext: kubeConfig.getCurrentContext(),
      users: [{ ...user, token: 'not-the-token' }],
    });
    const error = await createSmiMetricSource(wrong, target)
      .read(30)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('HTTP 401');
  });

  it('reports a server slower than the request timeout as unavailable', async () => {
    double.injectFaults({ latencyMs: 5_000 });
    const kubeConfig = new TimeoutKubeConfig(100);
    kubeConfig.loadFromString(double.kubeconfig());
    const error = await createSmiMetricSource(kubeConfig, target)
      .read(30)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('did not answer in time');
  });
});

describe('createMetricSource', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble();
    double.apply(namespaceObject());
    double.apply(namespaceObject('monitoring'));
    double.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'prometheus', namespace: 'monitoring' },
      spec: { ports: [{ name: 'web', port: 9090 }] },
    });
    double.setMetricsProvider((query) => samples[query.name] ?? null);
  });
  afterAll(() => double.close());

  it('reads SMI targets from the SMI metrics API', async () => {
    const window = await createMetricSource(double.kubeConfig(), target).read(60);
    expect(window.canary).toEqual({ successCount: 95, failureCount: 5, p50Ms: 12.5, p99Ms: 120.731 });
  });

  it('reads prometheus targets from Prometheus', async () => {
    const seen: ProxyRequest[] = [];
    double.setServiceProxy('monitoring', 'prometheus', 9090, (request) => {
      seen.push(request);
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }),
      };
    });
    const prometheusTarget = webTarget({
      metrics: {
        kind: 'prometheus',
        serviceProxy: { namespace: 'monitoring', service: 'prometheus', port: 9090 },
      },
    });
    const window = await createMetricSource(double.kubeConfig(), prometheusTarget).read(60);
    expect(window).toEqual({ windowSeconds: 60, canary: null, primary: null });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((r) => r.path === '/api/v1/query')).toBe(true);
    expect(seen.some((r) => (r.query.get('query') ?? '').includes('deployment="web-canary"'))).toBe(true);
  });
});

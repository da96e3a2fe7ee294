import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeApiDouble,
  startKubeApiDouble,
  type TrafficQuery,
  type TrafficSample,
} from '../../lib/sim/kube-api/index.js';
import { readJsonVector } from '../support/vectors.js';
import { apiError } from './api-exception.js';
import { deployment } from './fixtures.js';
import { rawRequest } from './raw-https.js';

interface TrafficMetrics {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  timestamp: string;
  window: string;
  resource: Record<string, unknown>;
  edge: Record<string, unknown>;
  metrics: { name: string; unit?: string; value: string }[];
}
interface TrafficMetricsList {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  resource: Record<string, unknown>;
  items: TrafficMetrics[];
}

const METRICS = { group: 'metrics.smi-spec.io', version: 'v1alpha1', plural: 'deployments' };

describe("SMI metrics API in the real smi-metrics server's shape", () => {
  let double: KubeApiDouble;
  const queries: TrafficQuery[] = [];
  const samples = new Map<string, TrafficSample>();

  beforeAll(async () => {
    double = await startKubeApiDouble();
    double.setMetricsProvider((query) => {
      queries.push(query);
      return samples.get(query.name) ?? null;
    });
  });
  afterAll(async () => {
    await double.close();
  });

  it('formats values exactly as the smi-metrics README output does', async () => {
    const vector = readJsonVector<TrafficMetricsList>('smi/trafficmetricslist-edges.json');
    samples.set('linkerd-web', { p99Ms: 294, p90Ms: 240, p50Ms: 150, successCount: 28.58, failureCount: 0 });
    samples.set('linkerd-prometheus', {
      p99Ms: 368,
      p90Ms: 247.199,
      p50Ms: 120.731,
      successCount: 1008.1,
      failureCount: 0,
    });
    const api = double.kubeConfig().makeApiClient(CustomObjectsApi);

    const web = (await api.getNamespacedCustomObject({
      ...METRICS,
      namespace: 'linkerd',
      name: 'linkerd-web',
    })) as TrafficMetrics;
    expect(web.metrics).toEqual(vector.items[0]?.metrics);
    const prometheus = (await api.getNamespacedCustomObject({
      ...METRICS,
      namespace: 'linkerd',
      name: 'linkerd-prometheus',
    })) as TrafficMetrics;
    expect(prometheus.metrics).toEqual(vector.items[1]?.metrics);

    expect(Object.keys(web).sort()).toEqual(Object.keys(vector.items[0] ?? {}).sort());
    expect(web).toMatchObject({
      kind: 'TrafficMetrics',
      apiVersion: 'metrics.smi-spec.io/v1alpha1',
      window: '30s',
      resource: { kind: 'Deployment', namespace: 'linkerd', name: 'linkerd-web' },
      metadata: {
        name: 'linkerd-web',
        namespace: 'linkerd',
        selfLink: '/apis/metrics.smi-spec.io/v1alpha1/namespaces/linkerd/deployments/linkerd-web',
      },
    });
    expect(web.edge).not.toHaveProperty('side');
    expect(web.edge.direction).toBe('from');
    expect(queries.at(-1)).toEqual({
      namespace: 'linkerd',
      kind: 'Deployment',
      name: 'linkerd-prometheus',
      windowSeconds: 30,
    });
  });

  it('echoes the window in Go duration form and passes it to the provider in seconds', async () => {
    samples.set('podinfo', { p99Ms: 12, p90Ms: 9, p50Ms: 4, successCount: 2000, failureCount: 3 });
    const oneMinute = await rawRequest(
      double,
      '/apis/metrics.smi-spec.io/v1alpha1/namespaces/shop/deployments/podinfo?window=1m',
    );
    expect(oneMinute.status).toBe(200);
    expect(oneMinute.json<TrafficMetrics>().window).toBe('1m0s');
    expect(queries.at(-1)?.windowSeconds).toBe(60);
    expect(oneMinute.json<TrafficMetrics>().metrics.find((m) => m.name === 'success_count')?.value).toBe(
      '2k',
    );

    const ninety = await rawRequest(
      double,
      '/apis/metrics.smi-spec.io/v1alpha1/namespaces/shop/deployments/podinfo?window=90s',
    );
    expect(ninety.json<TrafficMetrics>().window).toBe('1m30s');
    expect(queries.at(-1)?.windowSeconds).toBe(90);

    const bad = await rawRequest(
      double,
      '/apis/metrics.smi-spec.io/v1alpha1/namespaces/shop/deployments/podinfo?window=soon',
    );
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it('answers 500 with a plain-text body, not a Status, when the workload had no traffic', async () => {
    const api = double.kubeConfig().makeApiClient(CustomObjectsApi);
    const error = await apiError(
      api.getNamespacedCustomObject({ ...METRICS, namespace: 'shop', name: 'idle' }),
    );
    expect(error.code).toBe(500);
    expect(typeof error.body).toBe('string');
    expect(error.text).toContain('idle');

    const raw = await rawRequest(
      double,
      '/apis/metrics.smi-spec.io/v1alpha1/namespaces/shop/deployments/idle?window=30s',
    );
    expect(raw.status).toBe(500);
    expect(raw.headers['content-type']).toMatch(/^text\/plain/);
    expect(() => JSON.parse(raw.text)).toThrow();
  });

  it('serves edges as a TrafficMetricsList, and a namespace as the list of its Deployments with traffic', async () => {
    const edges = await rawRequest(
      double,
      '/apis/metrics.smi-spec.io/v1alpha1/namespaces/shop/deployments/podinfo/edges',
    );
    expect(edges.status).toBe(200);
    const list = edges.json<TrafficMetricsList>();
    expect(list.kind).toBe('TrafficMetricsList');
    expect(list.resource).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'podinfo' });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.edge.direction).toBe('from');

    double.apply(deployment('podinfo', 'shop', 'podinfo:1'));
    double.apply(deployment('idle', 'shop', 'idle:1'));
    const namespace = await rawRequest(
      double,
      '/apis/metrics.smi-spec.io/v1alpha1/namespaces/shop/deployments',
    );
    expect(namespace.json<TrafficMetricsList>().items.map((i) => i.resource.name)).toEqual(['podinfo']);

    const pods = await rawRequest(double, '/apis/metrics.smi-spec.io/v1alpha1/namespaces/shop/pods/x');
    expect(pods.status).toBe(404);
    expect(pods.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('is listed in discovery as the TrafficMetrics kind', async () => {
    const resources = (await rawRequest(double, '/apis/metrics.smi-spec.io/v1alpha1')).json<{
      resources: { name: string; kind: string }[];
    }>();
    expect(resources.resources).toContainEqual(
      expect.objectContaining({ name: 'deployments', kind: 'TrafficMetrics' }),
    );
  });
});

describe("SMI metrics API in the SMI spec's shape", () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble({ metricsShape: 'spec' });
    double.setMetricsProvider(async (query) =>
      query.name === 'foo' ? { p99Ms: 10, p90Ms: 10, p50Ms: 10, successCount: 100, failureCount: 100 } : null,
    );
  });
  afterAll(async () => {
    await double.close();
  });

  it('matches the spec example: seconds as the unit, edge.side, and the same values', async () => {
    const vector = readJsonVector<TrafficMetrics>('smi/trafficmetrics-deployment.json');
    const api = double.kubeConfig().makeApiClient(CustomObjectsApi);
    const metrics = (await api.getNamespacedCustomObject({
      ...METRICS,
      namespace: 'foobar',
      name: 'foo',
    })) as TrafficMetrics;
    expect(metrics.metrics).toEqual(vector.metrics);
    expect(metrics.edge).toEqual(vector.edge);
    expect(metrics.resource).toEqual(vector.resource);
    expect(metrics.window).toBe(vector.window);
    expect(metrics.metadata.selfLink).toBe(vector.metadata.selfLink);
    expect(Object.keys(metrics).sort()).toEqual(Object.keys(vector).sort());
  });
});

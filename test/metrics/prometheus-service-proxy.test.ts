import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withRequestTimeout } from '../../lib/cluster/request-timeout.js';
import { UnavailableError } from '../../lib/errors.js';
import { createPrometheusMetricSource } from '../../lib/metrics/prometheus.js';
import { type ResolvedTarget, TargetSchema } from '../../lib/model/config.js';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { createPrometheusHandler, type PrometheusHandler } from '../../lib/sim/prometheus-double.js';

const run = promisify(execFile);
const expectRejection = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );

function target(serviceProxy: { namespace: string; service: string; port: string | number }): ResolvedTarget {
  return {
    name: 'podinfo',
    ...TargetSchema.parse({
      cluster: 'sim',
      namespace: 'test',
      service: 'podinfo',
      primary: { service: 'podinfo-primary', deployment: 'podinfo-primary' },
      canary: { service: 'podinfo-canary', deployment: 'podinfo-canary' },
      metrics: { kind: 'prometheus', serviceProxy },
    }),
  };
}
const viz = target({ namespace: 'linkerd-viz', service: 'prometheus', port: 9090 });

let kube: KubeApiDouble;
let prometheus: PrometheusHandler;
const dir = mkdtempSync(path.join(tmpdir(), 'aviary-prom-proxy-'));
beforeAll(async () => {
  kube = await startKubeApiDouble();
  prometheus = createPrometheusHandler({
    provider: ({ namespace, deployment }) =>
      namespace !== 'test'
        ? null
        : deployment === 'podinfo-canary'
          ? { successCount: 290, failureCount: 10, p50Ms: 4, p99Ms: 41 }
          : { successCount: 2700, failureCount: 3, p50Ms: 3, p99Ms: 35 },
  });
  kube.setServiceProxy('linkerd-viz', 'prometheus', 9090, prometheus.handle);
});
afterEach(() => kube.injectFaults({}));
afterAll(async () => {
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Prometheus through the Kubernetes API service proxy', () => {
  it("queries with the KubeConfig's server, CA and token, as GETs to services/prometheus:9090/proxy", async () => {
    const before = kube.requests.length;
    const window = await createPrometheusMetricSource(kube.kubeConfig(), viz, {
      clock: () => 1_700_000_000_000,
    }).read(120);
    expect(window).toEqual({
      windowSeconds: 120,
      canary: { successCount: 290, failureCount: 10, p50Ms: 4, p99Ms: 41 },
      primary: { successCount: 2700, failureCount: 3, p50Ms: 3, p99Ms: 35 },
    });
    const proxied = kube.requests.slice(before);
    expect(proxied).toHaveLength(8);
    for (const r of proxied) {
      expect(r).toMatchObject({
        method: 'GET',
        path: '/api/v1/namespaces/linkerd-viz/services/prometheus:9090/proxy/api/v1/query',
        status: 200,
      });
      expect(new URLSearchParams(r.query).get('time')).toBe('1700000000.000');
    }
    expect(prometheus.requests.at(-1)?.query).toContain('[120s]');
  });

  it('the same proxy path answers kubectl, so the double and the RBAC resource name line up', async () => {
    const kubeconfig = path.join(dir, 'config');
    kube.writeKubeconfig(kubeconfig);
    const query = new URLSearchParams({
      query:
        'sum by (classification) (increase(response_total{namespace="test",deployment="podinfo-canary",direction="inbound"}[1m]))',
    });
    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      kubeconfig,
      'get',
      '--raw',
      `/api/v1/namespaces/linkerd-viz/services/prometheus:9090/proxy/api/v1/query?${query}`,
    ]);
    expect(JSON.parse(stdout).data.result.map((r: { value: [number, string] }) => r.value[1])).toEqual([
      '290',
      '10',
    ]);
  });

  it('a service with nothing behind it is UnavailableError carrying the API server message', async () => {
    const source = createPrometheusMetricSource(
      kube.kubeConfig(),
      target({ namespace: 'monitoring', service: 'prometheus', port: 9090 }),
    );
    const error = await source.read(60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/HTTP 404: services "prometheus" not found/);
  });

  it('an API server that fails, refuses the credentials, or answers too late is UnavailableError', async () => {
    kube.injectFaults({ failAll: 'unavailable' });
    await expect(createPrometheusMetricSource(kube.kubeConfig(), viz).read(60)).rejects.toThrow(/HTTP 503/);

    kube.injectFaults({ failAll: 'reset' });
    await expect(createPrometheusMetricSource(kube.kubeConfig(), viz).read(60)).rejects.toThrow(
      UnavailableError,
    );

    kube.injectFaults({});
    const wrongToken = new KubeConfig();
    wrongToken.loadFromString(kube.kubeconfig().replace(kube.token, 'not-the-token'));
    await expect(createPrometheusMetricSource(wrongToken, viz).read(60)).rejects.toThrow(/HTTP 401/);

    kube.injectFaults({ latencyMs: 3_000 });
    const slow = await createPrometheusMetricSource(kube.kubeConfig(), viz, { timeoutMs: 150 })
      .read(60)
      .catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(UnavailableError);
    expect((slow as Error).message).toMatch(
      /prometheus via service proxy linkerd-viz\/prometheus:9090: .*(timeout|aborted)/i,
    );

    // A KubeConfig from a cluster connector brings the cluster's timeout along.
    const connected = withRequestTimeout(kube.kubeConfig(), 150);
    const impatient = await expectRejection(createPrometheusMetricSource(connected, viz).read(60));
    expect(impatient).toBeInstanceOf(UnavailableError);
    expect(impatient.message).toMatch(/timeout|aborted/i);
  });
});

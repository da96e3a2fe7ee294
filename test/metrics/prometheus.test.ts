import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, UnavailableError } from '../../lib/errors.js';
import { createPrometheusMetricSource } from '../../lib/metrics/prometheus.js';
import { type ResolvedTarget, TargetSchema } from '../../lib/model/config.js';
import { MetricsWindowSchema } from '../../lib/model/observation.js';
import {
  type PrometheusDouble,
  type PrometheusDoubleProvider,
  type SimulatedTraffic,
  startPrometheusDouble,
} from '../../lib/sim/prometheus-double.js';

const NOW = Date.parse('2025-05-01T10:00:00Z');
const unusedKubeConfig = new KubeConfig();

function target(metrics: Record<string, unknown>): ResolvedTarget {
  return {
    name: 'podinfo',
    ...TargetSchema.parse({
      cluster: 'dev',
      namespace: 'test',
      service: 'podinfo',
      primary: { service: 'podinfo-primary', deployment: 'podinfo-primary' },
      canary: { service: 'podinfo-canary', deployment: 'podinfo-canary' },
      metrics,
    }),
  };
}

const byDeployment =
  (traffic: Record<string, SimulatedTraffic | null>): PrometheusDoubleProvider =>
  ({ namespace, deployment }) =>
    namespace === 'test' ? (traffic[deployment] ?? null) : null;

let prom: PrometheusDouble | undefined;
afterEach(async () => {
  await prom?.close();
  prom = undefined;
});

describe('Prometheus metric source (direct URL, Linkerd series)', () => {
  it('reads both sides: counts by classification and p50/p99, all evaluated at one instant', async () => {
    const windows: number[] = [];
    prom = await startPrometheusDouble({
      provider: (q) => {
        windows.push(q.windowSeconds);
        return byDeployment({
          'podinfo-canary': { successCount: 188, failureCount: 12, p50Ms: 21, p99Ms: 97.5 },
          'podinfo-primary': { successCount: 1790, failureCount: 10, p50Ms: 18, p99Ms: 80 },
        })(q);
      },
    });
    const source = createPrometheusMetricSource(
      unusedKubeConfig,
      target({ kind: 'prometheus', url: prom.url }),
      {
        clock: () => NOW,
      },
    );
    const window = await source.read(60);

    expect(MetricsWindowSchema.parse(window)).toEqual({
      windowSeconds: 60,
      canary: { successCount: 188, failureCount: 12, p50Ms: 21, p99Ms: 97.5 },
      primary: { successCount: 1790, failureCount: 10, p50Ms: 18, p99Ms: 80 },
    });
    expect(windows).toEqual(Array(8).fill(60));
    expect(prom.requests).toHaveLength(8);
    expect(new Set(prom.requests.map((r) => r.time))).toEqual(new Set([NOW / 1000]));
    expect(prom.requests.every((r) => r.method === 'POST')).toBe(true);
    expect(prom.requests.map((r) => r.query)).toContain(
      'sum by (classification) (increase(response_total{namespace="test",deployment="podinfo-canary",direction="inbound"}[60s]))',
    );
    expect(prom.requests.map((r) => r.query)).toContain(
      'histogram_quantile(0.99, sum by (le) (rate(response_latency_ms_bucket{namespace="test",deployment="podinfo-primary",direction="inbound"}[60s])))',
    );
    expect(prom.requests.map((r) => r.query)).toContain(
      'histogram_quantile(0.5, sum by (le) (rate(response_latency_ms_bucket{namespace="test",deployment="podinfo-canary",direction="inbound"}[60s])))',
    );
  });

  it('no series, zero requests, NaN counts are "no data" for that side; NaN and +Inf quantiles are null', async () => {
    prom = await startPrometheusDouble({
      provider: byDeployment({
        'podinfo-canary': null,
        'podinfo-primary': { successCount: 0, failureCount: 0, p50Ms: null, p99Ms: null },
      }),
    });
    const source = createPrometheusMetricSource(
      unusedKubeConfig,
      target({ kind: 'prometheus', url: prom.url }),
    );
    expect(await source.read(30)).toEqual({ windowSeconds: 30, canary: null, primary: null });
    await prom.close();

    prom = await startPrometheusDouble({
      provider: byDeployment({
        'podinfo-canary': { successCount: 50, failureCount: 0, p50Ms: null, p99Ms: Number.POSITIVE_INFINITY },
        'podinfo-primary': { successCount: Number.NaN, failureCount: 3, p50Ms: 5, p99Ms: 9 },
      }),
    });
    const again = createPrometheusMetricSource(
      unusedKubeConfig,
      target({ kind: 'prometheus', url: `${prom.url}/` }),
    );
    expect(await again.read(30)).toEqual({
      windowSeconds: 30,
      canary: { successCount: 50, failureCount: 0, p50Ms: null, p99Ms: null },
      primary: null,
    });
  });

  it('reads each side’s latency bucket counts, so the judge can test the histogram itself', async () => {
    const histogram = { boundsMs: [10, 50, 100], counts: [10, 130, 55, 5] };
    prom = await startPrometheusDouble({
      provider: byDeployment({
        'podinfo-canary': {
          successCount: 195,
          failureCount: 5,
          p50Ms: 30,
          p99Ms: 98,
          latencyHistogram: histogram,
        },
        'podinfo-primary': { successCount: 1800, failureCount: 0, p50Ms: 18, p99Ms: 80 },
      }),
    });
    const window = await createPrometheusMetricSource(
      unusedKubeConfig,
      target({ kind: 'prometheus', url: prom.url }),
      { clock: () => NOW },
    ).read(60);
    expect(MetricsWindowSchema.parse(window)).toEqual({
      windowSeconds: 60,
      canary: { successCount: 195, failureCount: 5, p50Ms: 30, p99Ms: 98, latencyHistogram: histogram },
      // No bucket series for the primary: a source without histograms, quantiles only.
      primary: { successCount: 1800, failureCount: 0, p50Ms: 18, p99Ms: 80 },
    });
    expect(prom.requests.map((r) => r.query)).toContain(
      'sum by (le) (increase(response_latency_ms_bucket{namespace="test",deployment="podinfo-canary",direction="inbound"}[60s]))',
    );
  });

  it('broken bucket counts give that side no latency at all, and say why; counts still count', async () => {
    // A Prometheus whose bucket answer lost the +Inf series (a recording rule dropping it, say).
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const query = new URLSearchParams(Buffer.concat(chunks).toString()).get('query') ?? '';
        const vector = (result: unknown[]) => ({ status: 'success', data: { resultType: 'vector', result } });
        let body = vector([]);
        if (query.includes('response_total'))
          body = vector([{ metric: { classification: 'success' }, value: [1, '500'] }]);
        else if (query.startsWith('histogram_quantile')) body = vector([{ metric: {}, value: [1, '100'] }]);
        else
          body = vector([
            { metric: { le: '50' }, value: [1, '400'] },
            { metric: { le: '100' }, value: [1, '495'] },
          ]);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const window = await createPrometheusMetricSource(
        unusedKubeConfig,
        target({ kind: 'prometheus', url: `http://127.0.0.1:${port}` }),
      ).read(60);
      const expected = {
        successCount: 500,
        failureCount: 0,
        p50Ms: null,
        p99Ms: null,
        latencyProblem: 'no le="+Inf" bucket, so the total is unknown',
      };
      expect(MetricsWindowSchema.parse(window)).toEqual({
        windowSeconds: 60,
        canary: expected,
        primary: expected,
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rounds the fractional counts increase() extrapolates, and whole-second windows', async () => {
    prom = await startPrometheusDouble({
      provider: byDeployment({
        'podinfo-canary': { successCount: 99.6, failureCount: 0.4, p50Ms: 3, p99Ms: 4 },
        'podinfo-primary': { successCount: 1000.2, failureCount: 1.5, p50Ms: 3, p99Ms: 4 },
      }),
    });
    const window = await createPrometheusMetricSource(
      unusedKubeConfig,
      target({ kind: 'prometheus', url: prom.url }),
    ).read(44.6);
    expect(window.windowSeconds).toBe(45);
    expect(window.canary).toMatchObject({ successCount: 100, failureCount: 0 });
    expect(window.primary).toMatchObject({ successCount: 1000, failureCount: 2 });
    expect(prom.requests[0]?.query).toContain('[45s]');
  });

  it('sends the bearer token from the environment variable named in the config', async () => {
    prom = await startPrometheusDouble({
      token: 's3cret',
      provider: byDeployment({ 'podinfo-canary': { successCount: 1, failureCount: 0, p50Ms: 1, p99Ms: 1 } }),
    });
    const metrics = { kind: 'prometheus', url: prom.url, auth: { kind: 'bearer', tokenEnv: 'PROM_TOKEN' } };
    const ok = createPrometheusMetricSource(unusedKubeConfig, target(metrics), {
      env: { PROM_TOKEN: 's3cret' },
    });
    expect((await ok.read(60)).canary).toEqual({ successCount: 1, failureCount: 0, p50Ms: 1, p99Ms: 1 });
    expect(prom.requests[0]?.headers.authorization).toBe('Bearer s3cret');

    const wrong = createPrometheusMetricSource(unusedKubeConfig, target(metrics), {
      env: { PROM_TOKEN: 'guess' },
    });
    const error = await wrong.read(60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/HTTP 401: Unauthorized/);

    const unset = createPrometheusMetricSource(unusedKubeConfig, target(metrics), { env: {} });
    await expect(unset.read(60)).rejects.toThrow(
      new ConfigurationError('prometheus bearer token: environment variable PROM_TOKEN is not set'),
    );
  });

  it('a Prometheus error answer becomes UnavailableError with the error text', async () => {
    prom = await startPrometheusDouble({
      provider: () => {
        throw new Error('query timed out in expression evaluation');
      },
    });
    const source = createPrometheusMetricSource(
      unusedKubeConfig,
      target({ kind: 'prometheus', url: prom.url }),
    );
    const error = await source.read(60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(
      /prometheus execution error \(HTTP 422\): query timed out in expression evaluation/,
    );
  });

  it('an unreachable Prometheus, or one that is not Prometheus, is UnavailableError', async () => {
    prom = await startPrometheusDouble({ provider: () => null });
    const url = prom.url;
    await prom.close();
    prom = undefined;
    const closed = createPrometheusMetricSource(unusedKubeConfig, target({ kind: 'prometheus', url }));
    const error = await closed.read(60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain(`prometheus at ${url}/api/v1/query`);

    // A gateway in front of Prometheus answering with its own error page.
    const gateway = http.createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = gateway.address() as AddressInfo;
      const source = createPrometheusMetricSource(
        unusedKubeConfig,
        target({ kind: 'prometheus', url: `http://127.0.0.1:${port}` }),
      );
      await expect(source.read(60)).rejects.toThrow(/HTTP 502: <html><body>502 Bad Gateway<\/body><\/html>/);
    } finally {
      gateway.closeAllConnections();
      await new Promise((resolve) => gateway.close(resolve));
    }
  });

  it('rejects bad input: a non-positive window, or a target whose metrics are not Prometheus', async () => {
    const source = createPrometheusMetricSource(
      unusedKubeConfig,
      target({ kind: 'prometheus', url: 'http://127.0.0.1:9' }),
    );
    await expect(source.read(0)).rejects.toThrow(/window must be a positive number of seconds, got 0/);
    await expect(source.read(Number.NaN)).rejects.toThrow(/window must be a positive number/);
    expect(() => createPrometheusMetricSource(unusedKubeConfig, target({ kind: 'smi' }))).toThrow(
      /target "podinfo": metrics kind is "smi", not "prometheus"/,
    );
  });
});

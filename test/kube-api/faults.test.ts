import { AppsV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { apiError } from './api-exception.js';
import { deployment, httpRoute, trafficSplit } from './fixtures.js';
import { rawRequest } from './raw-https.js';

const SPLIT = {
  group: 'split.smi-spec.io',
  version: 'v1alpha2',
  plural: 'trafficsplits',
  namespace: 'shop',
  name: 'podinfo',
};
const ROUTE = {
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'httproutes',
  namespace: 'shop',
  name: 'web',
};
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('fault injection', () => {
  let double: KubeApiDouble;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    double = await startKubeApiDouble();
    custom = double.kubeConfig().makeApiClient(CustomObjectsApi);
    double.apply(
      trafficSplit('podinfo', 'shop', [
        { service: 'podinfo-primary', weight: 100 },
        { service: 'podinfo-canary', weight: 0 },
      ]),
    );
    double.apply(httpRoute('web', 'shop', { primary: 100, canary: 0 }));
    double.apply(deployment('podinfo', 'shop', 'podinfo:1'));
  });
  afterAll(async () => {
    await double.close();
  });

  it('answers the next N writes to trafficsplits and httproutes with 409 Conflict, then lets them through', async () => {
    double.injectFaults({ conflictsOnNextWrites: 2 });
    const reweight = {
      spec: {
        backends: [
          { service: 'podinfo-primary', weight: 90 },
          { service: 'podinfo-canary', weight: 10 },
        ],
      },
    };

    const first = await apiError(custom.patchNamespacedCustomObject({ ...SPLIT, body: reweight }, merge));
    expect(first.code).toBe(409);
    expect(first.body).toMatchObject({
      reason: 'Conflict',
      details: { name: 'podinfo', kind: 'trafficsplits' },
    });

    // Reads and other resources are not affected.
    await custom.getNamespacedCustomObject(SPLIT);
    await double
      .kubeConfig()
      .makeApiClient(AppsV1Api)
      .patchNamespacedDeployment(
        { namespace: 'shop', name: 'podinfo', body: { metadata: { labels: { seen: 'yes' } } } },
        merge,
      );

    const second = await apiError(
      custom.patchNamespacedCustomObject(
        { ...ROUTE, body: { spec: { hostnames: ['a.example.com'] } } },
        merge,
      ),
    );
    expect(second.code).toBe(409);

    const third = (await custom.patchNamespacedCustomObject({ ...SPLIT, body: reweight }, merge)) as {
      spec: { backends: { weight: number }[] };
    };
    expect(third.spec.backends.map((b) => b.weight)).toEqual([90, 10]);
  });

  it('answers every request with a 503 Status while the server is unavailable', async () => {
    double.injectFaults({ failAll: 'unavailable' });
    const error = await apiError(custom.getNamespacedCustomObject(SPLIT));
    expect(error.code).toBe(503);
    expect(error.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    expect((await rawRequest(double, '/version')).status).toBe(503);
    double.injectFaults({});
    expect((await rawRequest(double, '/version')).status).toBe(200);
  });

  it('resets connections without an answer', async () => {
    double.injectFaults({ failAll: 'reset' });
    const before = double.requests.length;
    await expect(custom.getNamespacedCustomObject(SPLIT)).rejects.toThrow(
      /socket hang up|ECONNRESET|network|reset/i,
    );
    const reset = double.requests.slice(before);
    expect(reset.length).toBeGreaterThan(0);
    expect(reset.every((r) => r.status === 0)).toBe(true);
    double.injectFaults({});
    await expect(custom.getNamespacedCustomObject(SPLIT)).resolves.toMatchObject({
      metadata: { name: 'podinfo' },
    });
  });

  it('delays answers by the injected latency: a client deadline shorter than it gives up', async () => {
    double.injectFaults({ latencyMs: 2_000 });
    const slow = rawRequestWithDeadline(double, '/version', 100);
    await expect(slow).rejects.toThrow(/abort/i);
    double.injectFaults({});
    await expect(rawRequestWithDeadline(double, '/version', 5_000)).resolves.toBe(200);
  });

  it('rejects malformed fault settings with a clear error', () => {
    expect(() => double.injectFaults({ latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => double.injectFaults({ failAll: 'sometimes' as 'reset' })).toThrow(/failAll/);
  });
});

describe('fault policy (per request)', () => {
  let double: KubeApiDouble;
  let custom: CustomObjectsApi;
  const reweight = (canary: number) => ({
    spec: {
      backends: [
        { service: 'podinfo-primary', weight: 100 - canary },
        { service: 'podinfo-canary', weight: canary },
      ],
    },
  });
  const canaryWeight = () =>
    (
      double.get('split.smi-spec.io/v1alpha2', 'TrafficSplit', 'shop', 'podinfo') as unknown as {
        spec: { backends: { weight: number }[] };
      }
    ).spec.backends[1]?.weight;

  beforeAll(async () => {
    double = await startKubeApiDouble();
    custom = double.kubeConfig().makeApiClient(CustomObjectsApi);
    double.apply(
      trafficSplit('podinfo', 'shop', [
        { service: 'podinfo-primary', weight: 100 },
        { service: 'podinfo-canary', weight: 0 },
      ]),
    );
  });
  afterAll(async () => {
    double.setFaultPolicy(null);
    await double.close();
  });

  it('shows the policy each request with its namespace and whether it writes', async () => {
    const seen: { method: string; namespace: string | undefined; write: boolean }[] = [];
    double.setFaultPolicy(({ method, namespace, write }) => {
      seen.push({ method, namespace, write });
      return null;
    });
    await custom.getNamespacedCustomObject(SPLIT);
    await custom.patchNamespacedCustomObject({ ...SPLIT, body: reweight(5) }, merge);
    await rawRequest(double, '/version');
    double.setFaultPolicy(null);
    expect(seen).toEqual([
      { method: 'GET', namespace: 'shop', write: false },
      { method: 'PATCH', namespace: 'shop', write: true },
      { method: 'GET', namespace: undefined, write: false },
    ]);
  });

  it('answers 500, 503 and 504 Status objects and changes nothing', async () => {
    const before = canaryWeight();
    for (const [code, reason] of [
      [500, 'InternalError'],
      [503, 'ServiceUnavailable'],
      [504, 'Timeout'],
    ] as const) {
      double.setFaultPolicy(() => ({ kind: 'status', code }));
      const error = await apiError(
        custom.patchNamespacedCustomObject({ ...SPLIT, body: reweight(40) }, merge),
      );
      expect(error.code).toBe(code);
      expect(error.body).toMatchObject({ kind: 'Status', reason, code });
    }
    double.setFaultPolicy(null);
    expect(canaryWeight()).toBe(before);
  });

  it('answers a write with a 409 Conflict naming the object; reads are not refused', async () => {
    double.setFaultPolicy(() => ({ kind: 'conflict' }));
    const error = await apiError(custom.patchNamespacedCustomObject({ ...SPLIT, body: reweight(30) }, merge));
    expect(error.code).toBe(409);
    expect(error.body).toMatchObject({
      reason: 'Conflict',
      details: { name: 'podinfo', kind: 'trafficsplits' },
    });
    await expect(custom.getNamespacedCustomObject(SPLIT)).resolves.toMatchObject({
      metadata: { name: 'podinfo' },
    });
    double.setFaultPolicy(null);
    expect(canaryWeight()).not.toBe(30);
  });

  it('drops the connection before a request (nothing changes) or after it took effect (the write lands)', async () => {
    double.setFaultPolicy(() => ({ kind: 'reset' }));
    await expect(custom.patchNamespacedCustomObject({ ...SPLIT, body: reweight(15) }, merge)).rejects.toThrow(
      /socket hang up|ECONNRESET|network|reset/i,
    );
    double.setFaultPolicy(null);
    expect(canaryWeight()).not.toBe(15);

    double.setFaultPolicy(() => ({ kind: 'lostAnswer' }));
    await expect(custom.patchNamespacedCustomObject({ ...SPLIT, body: reweight(25) }, merge)).rejects.toThrow(
      /socket hang up|ECONNRESET|network|reset/i,
    );
    double.setFaultPolicy(null);
    expect(canaryWeight()).toBe(25);
  });
});

async function rawRequestWithDeadline(
  double: KubeApiDouble,
  path: string,
  deadlineMs: number,
): Promise<number> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, double.url),
      {
        headers: { authorization: `Bearer ${double.token}` },
        ca: double.caPem,
        signal: AbortSignal.timeout(deadlineMs),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

import { Buffer } from 'node:buffer';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { deployment, httpRoute, trafficSplit } from './fixtures.js';

interface Kubeconfig {
  'current-context': string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
}

describe('in-process object API and kubeconfig', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble({ token: 'fixed-token' });
  });
  afterAll(async () => {
    await double.close();
  });

  it('writes a kubeconfig with the CA, the token and a named context', () => {
    expect(double.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(double.token).toBe('fixed-token');
    const config = parse(double.kubeconfig('staging')) as Kubeconfig;
    expect(config['current-context']).toBe('staging');
    expect(config.clusters[0]?.cluster.server).toBe(double.url);
    expect(
      Buffer.from(config.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(),
    ).toBe(double.caPem);
    expect(config.users[0]?.user.token).toBe('fixed-token');
    expect(config.contexts[0]?.context).toMatchObject({ cluster: 'staging', user: 'staging' });
    expect((parse(double.kubeconfig()) as Kubeconfig)['current-context']).toBe('aviary-sim');

    const dir = mkdtempSync(path.join(os.tmpdir(), 'aviary-kubeconfig-'));
    try {
      const file = path.join(dir, 'config');
      double.writeKubeconfig(file);
      expect(readFileSync(file, 'utf8')).toBe(double.kubeconfig());
      expect(statSync(file).mode & 0o077).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(double.kubeConfig().getCurrentCluster()?.server).toBe(double.url);
  });

  it('applies objects: creates, then replaces keeping uid and creation time', async () => {
    const created = double.apply(
      trafficSplit('podinfo', 'shop', [
        { service: 'a', weight: 100 },
        { service: 'b', weight: 0 },
      ]),
    );
    expect(created.metadata).toMatchObject({ name: 'podinfo', namespace: 'shop', generation: 1 });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = double.apply(
      trafficSplit('podinfo', 'shop', [
        { service: 'a', weight: 50 },
        { service: 'b', weight: 50 },
      ]),
    );
    expect(replaced.metadata.uid).toBe(created.metadata.uid);
    expect(replaced.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    expect(replaced.metadata.generation).toBe(2);
    expect(Number(replaced.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );

    const viaClient = (await double.kubeConfig().makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'split.smi-spec.io',
      version: 'v1alpha1',
      namespace: 'shop',
      plural: 'trafficsplits',
      name: 'podinfo',
    })) as { spec: { backends: { weight: number }[] } };
    expect(viaClient.spec.backends.map((b) => b.weight)).toEqual([50, 50]);
    expect(double.get('v1', 'Namespace', undefined, 'shop')?.status).toEqual({ phase: 'Active' });
  });

  it('hands out resourceVersions from one counter across all resources', () => {
    const a = double.apply(deployment('a', 'ns-one', 'x:1'));
    const b = double.apply(httpRoute('b', 'ns-two', { primary: 1, canary: 0 }));
    const c = double.apply(trafficSplit('c', 'ns-one', [{ service: 'x', weight: 1 }]));
    const versions = [a, b, c].map((o) => Number(o.metadata.resourceVersion));
    expect(versions[1]).toBeGreaterThan(versions[0] ?? Number.POSITIVE_INFINITY);
    expect(versions[2]).toBeGreaterThan(versions[1] ?? Number.POSITIVE_INFINITY);
    expect(double.list('v1', 'Namespace').map((n) => n.metadata.name)).toEqual(
      expect.arrayContaining(['default', 'ns-one', 'ns-two', 'shop']),
    );
  });

  it('keeps a status given to a custom resource and reads it through any served version', () => {
    const route = {
      ...httpRoute('routed', 'shop', { primary: 1, canary: 0 }),
      status: { parents: [{ controllerName: 'linkerd.io/gateway-controller' }] },
    };
    double.apply(route);
    const beta = double.get('gateway.networking.k8s.io/v1beta1', 'HTTPRoute', 'shop', 'routed');
    expect(beta?.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
    expect(beta?.status).toEqual(route.status);
    expect(double.get('gateway.networking.k8s.io/v1', 'HTTPRoute', 'shop', 'missing')).toBeUndefined();
  });

  it('rejects what the API server would, with clear errors', () => {
    expect(() => double.apply({ kind: 'TrafficSplit' })).toThrow(/apiVersion and kind/);
    expect(() =>
      double.apply({
        apiVersion: 'split.smi-spec.io/v1alpha3',
        kind: 'TrafficSplit',
        metadata: { name: 'x' },
      }),
    ).toThrow(/not served/);
    expect(() => double.apply(trafficSplit('Bad_Name', 'shop', [{ service: 'a', weight: 1 }]))).toThrow(
      /RFC 1123 subdomain/,
    );
    expect(() => double.apply(trafficSplit('neg', 'shop', [{ service: 'a', weight: -1 }]))).toThrow(
      /spec\.backends\[0\]\.weight.*greater than or equal to 0/,
    );
  });

  it('logs each request with method, path, content type and status', async () => {
    const api = double.kubeConfig().makeApiClient(CustomObjectsApi);
    await api.listNamespacedCustomObject({
      group: 'split.smi-spec.io',
      version: 'v1alpha2',
      namespace: 'shop',
      plural: 'trafficsplits',
    });
    expect(double.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/apis/split.smi-spec.io/v1alpha2/namespaces/shop/trafficsplits',
      status: 200,
    });
  });
});

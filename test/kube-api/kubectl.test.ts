import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppsV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { deployment, httpRoute, trafficSplit } from './fixtures.js';
import { kubectl } from './kubectl.js';

/** `kubectl get` output as rows of whitespace-separated cells, header first. */
const rows = (stdout: string): string[][] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));

describe('kubectl 1.32 against the API double', () => {
  let double: KubeApiDouble;
  let dir: string;
  let kubeconfig: string;
  const run = (...args: string[]) => kubectl(kubeconfig, path.join(dir, 'cache'), args);

  beforeAll(async () => {
    double = await startKubeApiDouble();
    dir = mkdtempSync(path.join(os.tmpdir(), 'aviary-kubectl-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    double.writeKubeconfig(kubeconfig);
    double.apply(
      trafficSplit('podinfo', 'shop', [
        { service: 'podinfo-primary', weight: 90 },
        { service: 'podinfo-canary', weight: 10 },
      ]),
    );
    double.apply(
      trafficSplit('checkout', 'payments', [
        { service: 'checkout-primary', weight: 100 },
        { service: 'checkout-canary', weight: 0 },
      ]),
    );
    double.apply(httpRoute('web', 'shop', { primary: 80, canary: 20 }));
    double.apply(deployment('podinfo-primary', 'shop', 'ghcr.io/stefanprodan/podinfo:6.5.0', 2));
  });
  afterAll(async () => {
    await double.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists trafficsplits in all namespaces with their backend weights', async () => {
    const result = await run('get', 'trafficsplits', '-A');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const table = rows(result.stdout);
    expect(table[0]).toEqual(['NAMESPACE', 'NAME', 'SERVICE', 'BACKENDS', 'AGE']);
    expect(table.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['payments', 'checkout', 'checkout', 'checkout-primary=100,checkout-canary=0'],
      ['shop', 'podinfo', 'podinfo', 'podinfo-primary=90,podinfo-canary=10'],
    ]);
    const tableRequest = double.requests.find(
      (r) => r.path === '/apis/split.smi-spec.io/v1alpha2/trafficsplits',
    );
    expect(tableRequest?.accept).toContain('as=Table');
  });

  it('patches a TrafficSplit with --type merge, and the client reads the new weights', async () => {
    const result = await run(
      'patch',
      'trafficsplit',
      'podinfo',
      '-n',
      'shop',
      '--type',
      'merge',
      '-p',
      JSON.stringify({
        spec: {
          backends: [
            { service: 'podinfo-primary', weight: 60 },
            { service: 'podinfo-canary', weight: 40 },
          ],
        },
      }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('trafficsplit.split.smi-spec.io/podinfo patched');
    const patch = double.requests.findLast((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/merge-patch+json');

    const split = (await double.kubeConfig().makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'split.smi-spec.io',
      version: 'v1alpha2',
      namespace: 'shop',
      plural: 'trafficsplits',
      name: 'podinfo',
    })) as { spec: { backends: { service: string; weight: number }[] } };
    expect(split.spec.backends).toEqual([
      { service: 'podinfo-primary', weight: 60 },
      { service: 'podinfo-canary', weight: 40 },
    ]);
    const shown = rows((await run('get', 'ts', 'podinfo', '-n', 'shop')).stdout);
    expect(shown[1]?.[2]).toBe('podinfo-primary=60,podinfo-canary=40');
  });

  it('shows weights moving as another client writes them', async () => {
    await double
      .kubeConfig()
      .makeApiClient(CustomObjectsApi)
      .patchNamespacedCustomObject(
        {
          group: 'split.smi-spec.io',
          version: 'v1alpha1',
          namespace: 'payments',
          plural: 'trafficsplits',
          name: 'checkout',
          body: {
            spec: {
              backends: [
                { service: 'checkout-primary', weight: '750m' },
                { service: 'checkout-canary', weight: '250m' },
              ],
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const table = rows((await run('get', 'trafficsplits', '-n', 'payments')).stdout);
    expect(table[1]?.[2]).toBe('checkout-primary=750,checkout-canary=250');
  });

  it('reports the 415 of a strategic merge patch on a CRD', async () => {
    const result = await run(
      'patch',
      'trafficsplit',
      'podinfo',
      '-n',
      'shop',
      '-p',
      '{"spec":{"service":"x"}}',
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('the body of the request was in an unknown format');
  });

  it('gets httproutes as JSON with rules, matches and filters intact', async () => {
    const result = await run('get', 'httproutes', '-n', 'shop', '-o', 'json');
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout) as {
      items: {
        apiVersion: string;
        kind: string;
        metadata: { name: string };
        spec: Record<string, unknown>;
      }[];
    };
    expect(list.items).toHaveLength(1);
    const route = list.items[0];
    expect(route?.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route?.kind).toBe('HTTPRoute');
    expect(route?.spec).toMatchObject({
      hostnames: ['web.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
          filters: [{ type: 'RequestHeaderModifier' }],
          backendRefs: [
            { name: 'web-primary', port: 9898, weight: 80 },
            { name: 'web-canary', port: 9898, weight: 20 },
          ],
        },
      ],
    });
    const table = rows((await run('get', 'httproutes', '-A')).stdout);
    expect(table[0]).toEqual(['NAMESPACE', 'NAME', 'HOSTNAMES', 'BACKENDS', 'AGE']);
    expect(table[1]?.slice(0, 4)).toEqual([
      'shop',
      'web',
      '["web.example.com"]',
      'web-primary=80,web-canary=20',
    ]);
  });

  it('gets deployments with readiness columns, and containers and images with -o wide', async () => {
    const result = await run('get', 'deploy', '-n', 'shop');
    expect(result.code).toBe(0);
    const table = rows(result.stdout);
    expect(table[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(table[1]?.slice(0, 4)).toEqual(['podinfo-primary', '2/2', '2', '2']);
    const wide = rows((await run('get', 'deploy', '-n', 'shop', '-o', 'wide')).stdout);
    expect(wide[0]).toEqual([
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
      'CONTAINERS',
      'IMAGES',
      'SELECTOR',
    ]);
    expect(wide[1]?.slice(5, 7)).toEqual(['app,sidecar', 'ghcr.io/stefanprodan/podinfo:6.5.0,busybox:1.36']);

    await double
      .kubeConfig()
      .makeApiClient(AppsV1Api)
      .patchNamespacedDeploymentScale(
        { namespace: 'shop', name: 'podinfo-primary', body: { spec: { replicas: 4 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const scaled = rows((await run('get', 'deployments', 'podinfo-primary', '-n', 'shop')).stdout);
    expect(scaled[1]?.[1]).toBe('4/4');
  });

  it('scales a deployment with kubectl scale through the scale subresource', async () => {
    const result = await run('scale', 'deployment', 'podinfo-primary', '-n', 'shop', '--replicas=1');
    expect(result.code).toBe(0);
    expect(double.get('apps/v1', 'Deployment', 'shop', 'podinfo-primary')?.spec).toMatchObject({
      replicas: 1,
    });
    expect(
      double.requests.some(
        (r) => r.path.endsWith('/deployments/podinfo-primary/scale') && r.method === 'PATCH',
      ),
    ).toBe(true);
  });

  it('creates and applies manifests (validated server-side), and apply changes weights', async () => {
    const manifest = (primary: number) => `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata:
  name: search
  namespace: shop
spec:
  service: search
  backends:
  - service: search-primary
    weight: ${primary}
  - service: search-canary
    weight: ${100 - primary}
`;
    const file = path.join(dir, 'search.yaml');
    writeFileSync(file, manifest(100));
    const created = await run('create', '-f', file);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('trafficsplit.split.smi-spec.io/search created');
    expect(double.requests.findLast((r) => r.method === 'POST')?.query).toContain('fieldValidation=Strict');

    const again = await run('create', '-f', file);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already exists');

    writeFileSync(file, manifest(70));
    const applied = await run('apply', '-f', file);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('trafficsplit.split.smi-spec.io/search configured');
    expect(double.get('split.smi-spec.io/v1alpha2', 'TrafficSplit', 'shop', 'search')?.spec).toEqual({
      service: 'search',
      backends: [
        { service: 'search-primary', weight: 70 },
        { service: 'search-canary', weight: 30 },
      ],
    });

    writeFileSync(file, manifest(50).replace('  service: search\n', '  service: search\n  colour: blue\n'));
    const strict = await run('apply', '-f', file);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain('unknown field "spec.colour"');
  });

  it('fails cleanly for a missing object', async () => {
    const result = await run('get', 'trafficsplit', 'absent', '-n', 'shop');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('trafficsplits.split.smi-spec.io "absent" not found');
  });
});

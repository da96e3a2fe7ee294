import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { readJsonVector } from '../support/vectors.js';
import { apiError } from './api-exception.js';
import { trafficSplit } from './fixtures.js';
import { rawRequest } from './raw-https.js';

interface Split {
  apiVersion: string;
  metadata: { name: string; resourceVersion: string; generation: number; uid: string };
  spec: { service: string; backends: { service: string; weight: number | string }[]; matches?: unknown[] };
}

const GROUP = 'split.smi-spec.io';

describe('TrafficSplit versions: one stored object, converted on read and write', () => {
  let double: KubeApiDouble;
  let api: CustomObjectsApi;
  const read = (version: string, name: string) =>
    api.getNamespacedCustomObject({
      group: GROUP,
      version,
      namespace: 'shop',
      plural: 'trafficsplits',
      name,
    }) as Promise<Split>;

  beforeAll(async () => {
    double = await startKubeApiDouble({
      servedSplitVersions: ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'],
    });
    api = double.kubeConfig().makeApiClient(CustomObjectsApi);
  });
  afterAll(async () => {
    await double.close();
  });

  it('reads v1alpha1 quantity weights through v1alpha2 as integers with the same ratios', async () => {
    await api.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1alpha1',
      namespace: 'shop',
      plural: 'trafficsplits',
      body: trafficSplit(
        'quantities',
        'shop',
        [
          { service: 'primary', weight: '900m' },
          { service: 'canary', weight: '100m' },
        ],
        `${GROUP}/v1alpha1`,
      ),
    });
    const v1alpha2 = await read('v1alpha2', 'quantities');
    expect(v1alpha2.apiVersion).toBe(`${GROUP}/v1alpha2`);
    expect(v1alpha2.spec.backends).toEqual([
      { service: 'primary', weight: 900 },
      { service: 'canary', weight: 100 },
    ]);
    const v1alpha1 = await read('v1alpha1', 'quantities');
    expect(v1alpha1.spec.backends.map((b) => b.weight)).toEqual(['900m', '100m']);
    expect(v1alpha1.metadata.uid).toBe(v1alpha2.metadata.uid);
    expect(v1alpha1.metadata.resourceVersion).toBe(v1alpha2.metadata.resourceVersion);

    await api.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1alpha1',
      namespace: 'shop',
      plural: 'trafficsplits',
      body: trafficSplit(
        'whole',
        'shop',
        [
          { service: 'primary', weight: '90' },
          { service: 'canary', weight: 10 },
        ],
        `${GROUP}/v1alpha1`,
      ),
    });
    expect((await read('v1alpha2', 'whole')).spec.backends.map((b) => b.weight)).toEqual([90, 10]);
  });

  it('reads v1alpha2 integer weights back through v1alpha1 as quantities', async () => {
    await api.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1alpha2',
      namespace: 'shop',
      plural: 'trafficsplits',
      body: trafficSplit('integers', 'shop', [
        { service: 'primary', weight: 75 },
        { service: 'canary', weight: 25 },
      ]),
    });
    const v1alpha1 = await read('v1alpha1', 'integers');
    expect(v1alpha1.apiVersion).toBe(`${GROUP}/v1alpha1`);
    expect(v1alpha1.spec.backends.map((b) => String(b.weight))).toEqual(['75', '25']);

    // A write through v1alpha1 with a quantity is seen by v1alpha2 readers as an integer.
    await api.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: 'v1alpha1',
        namespace: 'shop',
        plural: 'trafficsplits',
        name: 'integers',
        body: {
          spec: {
            backends: [
              { service: 'primary', weight: '1k' },
              { service: 'canary', weight: '0' },
            ],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect((await read('v1alpha2', 'integers')).spec.backends.map((b) => b.weight)).toEqual([1000, 0]);
  });

  it('validates each version with its own schema', async () => {
    const fractional = await apiError(
      api.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1alpha2',
        namespace: 'shop',
        plural: 'trafficsplits',
        body: trafficSplit('half', 'shop', [{ service: 'primary', weight: '500m' }]),
      }),
    );
    expect(fractional.code).toBe(422);
    expect(fractional.body).toMatchObject({
      details: { causes: [{ reason: 'FieldValueTypeInvalid', field: 'spec.backends[0].weight' }] },
    });
    const notQuantity = await apiError(
      api.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1alpha1',
        namespace: 'shop',
        plural: 'trafficsplits',
        body: trafficSplit('words', 'shop', [{ service: 'primary', weight: 'ninety' }], `${GROUP}/v1alpha1`),
      }),
    );
    expect(notQuantity.code).toBe(422);
    expect((notQuantity.body as { message: string }).message).toContain(
      'quantities must match the regular expression',
    );
  });

  it('keeps v1alpha3/v1alpha4 matches across versions and serves the SMI spec example', async () => {
    const example = readJsonVector<Record<string, unknown>>('smi/trafficsplit-v1alpha4.json');
    const created = (await api.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1alpha4',
      namespace: 'shop',
      plural: 'trafficsplits',
      body: {
        ...example,
        spec: { ...(example.spec as object), matches: [{ kind: 'HTTPRouteGroup', name: 'ab-test' }] },
      },
    })) as Split;
    expect(created.metadata.name).toBe('canary');
    expect(created.spec.backends).toEqual([
      { service: 'website-v1', weight: 90 },
      { service: 'website-v2', weight: 10 },
    ]);
    expect((await read('v1alpha2', 'canary')).spec.matches).toBeUndefined();
    expect((await read('v1alpha3', 'canary')).spec.matches).toEqual([
      { kind: 'HTTPRouteGroup', name: 'ab-test' },
    ]);
    expect((await read('v1alpha1', 'canary')).spec.backends.map((b) => b.weight)).toEqual([90, 10]);
  });

  it('bumps generation on spec changes only, and resourceVersion on every write', async () => {
    const before = await read('v1alpha2', 'whole');
    const labelled = (await api.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: 'v1alpha2',
        namespace: 'shop',
        plural: 'trafficsplits',
        name: 'whole',
        body: { metadata: { labels: { team: 'a' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Split;
    expect(labelled.metadata.generation).toBe(before.metadata.generation);
    expect(Number(labelled.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.metadata.resourceVersion),
    );
    const reweighted = (await api.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: 'v1alpha2',
        namespace: 'shop',
        plural: 'trafficsplits',
        name: 'whole',
        body: [{ op: 'replace', path: '/spec/backends/1/weight', value: 20 }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as Split;
    expect(reweighted.metadata.generation).toBe(before.metadata.generation + 1);
    expect(reweighted.metadata.uid).toBe(before.metadata.uid);
    expect(reweighted.spec.backends.map((b) => b.weight)).toEqual([90, 20]);
  });

  it('lists across namespaces and by label through any served version', async () => {
    double.apply(trafficSplit('elsewhere', 'other', [{ service: 'a', weight: 1 }]));
    const all = (await api.listClusterCustomObject({
      group: GROUP,
      version: 'v1alpha3',
      plural: 'trafficsplits',
    })) as {
      kind: string;
      apiVersion: string;
      items: Split[];
      metadata: { resourceVersion: string };
    };
    expect(all.kind).toBe('TrafficSplitList');
    expect(all.apiVersion).toBe(`${GROUP}/v1alpha3`);
    expect(all.items.map((i) => i.metadata.name)).toContain('elsewhere');
    expect(all.items.every((i) => i.apiVersion === `${GROUP}/v1alpha3`)).toBe(true);
    const labelled = (await api.listNamespacedCustomObject({
      group: GROUP,
      version: 'v1alpha2',
      namespace: 'shop',
      plural: 'trafficsplits',
      labelSelector: 'team=a',
    })) as { items: Split[] };
    expect(labelled.items.map((i) => i.metadata.name)).toEqual(['whole']);
  });
});

describe('TrafficSplit versions served by default (like Linkerd SMI)', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble();
  });
  afterAll(async () => {
    await double.close();
  });

  it('serves v1alpha1 and v1alpha2, prefers v1alpha2, and does not serve v1alpha3', async () => {
    const group = (await rawRequest(double, `/apis/${GROUP}`)).json<{
      versions: { version: string }[];
      preferredVersion: { version: string };
    }>();
    expect(group.versions.map((v) => v.version)).toEqual(['v1alpha2', 'v1alpha1']);
    expect(group.preferredVersion.version).toBe('v1alpha2');
    expect((await rawRequest(double, `/apis/${GROUP}/v1alpha3`)).status).toBe(404);
    expect((await rawRequest(double, `/apis/${GROUP}/v1alpha3/namespaces/shop/trafficsplits`)).status).toBe(
      404,
    );
  });

  it('rejects bad options with a clear error', async () => {
    await expect(startKubeApiDouble({ servedSplitVersions: [] })).rejects.toThrow(/servedSplitVersions/);
    await expect(startKubeApiDouble({ servedSplitVersions: ['v2' as 'v1alpha1'] })).rejects.toThrow(
      /servedSplitVersions/,
    );
  });
});

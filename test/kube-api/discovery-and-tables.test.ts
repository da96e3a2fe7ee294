import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { deployment, trafficSplit } from './fixtures.js';
import { rawRequest } from './raw-https.js';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  group?: string;
  version?: string;
}
interface Table {
  kind: string;
  apiVersion: string;
  columnDefinitions: { name: string; type: string; priority: number }[];
  rows: {
    cells: unknown[];
    object?: { kind?: string; metadata: { name: string; namespace?: string }; spec?: unknown };
  }[];
}

const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('discovery', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble({ servedHttpRouteVersions: ['v1beta1'] });
  });
  afterAll(async () => {
    await double.close();
  });

  it('serves /version, /api and the core resource list', async () => {
    expect((await rawRequest(double, '/version')).json()).toMatchObject({
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.0',
    });
    const api = (await rawRequest(double, '/api')).json<{
      kind: string;
      versions: string[];
      serverAddressByClientCIDRs: { serverAddress: string }[];
    }>();
    expect(api.kind).toBe('APIVersions');
    expect(api.versions).toEqual(['v1']);
    expect(`https://${api.serverAddressByClientCIDRs[0]?.serverAddress}`).toBe(double.url);
    const core = (await rawRequest(double, '/api/v1')).json<{
      groupVersion: string;
      resources: ApiResource[];
    }>();
    expect(core.groupVersion).toBe('v1');
    expect(core.resources).toContainEqual(
      expect.objectContaining({ name: 'namespaces', namespaced: false, shortNames: ['ns'] }),
    );
    expect(core.resources).toContainEqual(
      expect.objectContaining({ name: 'services/proxy', kind: 'ServiceProxyOptions' }),
    );
  });

  it('answers an aggregated-discovery request with a plain APIGroupList so clients fall back', async () => {
    const answer = await rawRequest(double, '/apis', {
      headers: {
        accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      },
    });
    expect(answer.headers['content-type']).toBe('application/json');
    const list = answer.json<{
      kind: string;
      groups: { name: string; preferredVersion: { version: string }; versions: { version: string }[] }[];
    }>();
    expect(list.kind).toBe('APIGroupList');
    const byName = Object.fromEntries(list.groups.map((g) => [g.name, g]));
    expect(byName['split.smi-spec.io']?.preferredVersion.version).toBe('v1alpha2');
    expect(byName['gateway.networking.k8s.io']?.versions.map((v) => v.version)).toEqual(['v1beta1']);
    expect(byName.apps?.preferredVersion.version).toBe('v1');
    expect(byName['metrics.smi-spec.io']?.preferredVersion.version).toBe('v1alpha1');
  });

  it('lists resources of a group version with verbs, short names and subresources', async () => {
    const apps = (await rawRequest(double, '/apis/apps/v1')).json<{ resources: ApiResource[] }>();
    expect(apps.resources).toContainEqual(
      expect.objectContaining({
        name: 'deployments',
        kind: 'Deployment',
        namespaced: true,
        shortNames: ['deploy'],
      }),
    );
    expect(apps.resources).toContainEqual(
      expect.objectContaining({
        name: 'deployments/scale',
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      }),
    );
    const splits = (await rawRequest(double, '/apis/split.smi-spec.io/v1alpha1')).json<{
      resources: ApiResource[];
    }>();
    expect(splits.resources).toEqual([
      expect.objectContaining({ name: 'trafficsplits', kind: 'TrafficSplit', shortNames: ['ts'] }),
    ]);
    expect(splits.resources[0]?.verbs).toEqual(
      expect.arrayContaining(['get', 'list', 'create', 'update', 'patch', 'delete']),
    );
    expect((await rawRequest(double, '/apis/gateway.networking.k8s.io/v1')).status).toBe(404);
  });

  it('publishes OpenAPI v3 operations (for kubectl to see server-side field validation), not v2', async () => {
    const v2 = await rawRequest(double, '/openapi/v2');
    expect(v2.status).toBe(404);
    expect(v2.json()).toMatchObject({ kind: 'Status', code: 404 });

    const root = (await rawRequest(double, '/openapi/v3')).json<{
      paths: Record<string, { serverRelativeURL: string }>;
    }>();
    expect(Object.keys(root.paths)).toEqual(
      expect.arrayContaining([
        'api/v1',
        'apis/apps/v1',
        'apis/split.smi-spec.io/v1alpha1',
        'apis/gateway.networking.k8s.io/v1beta1',
      ]),
    );
    const url = root.paths['apis/split.smi-spec.io/v1alpha2']?.serverRelativeURL ?? '';
    expect(url).toMatch(/^\/openapi\/v3\/apis\/split\.smi-spec\.io\/v1alpha2\?hash=/);
    const doc = (await rawRequest(double, url)).json<{
      paths: Record<string, Record<string, Record<string, unknown>>>;
    }>();
    const patch =
      doc.paths['/apis/split.smi-spec.io/v1alpha2/namespaces/{namespace}/trafficsplits/{name}']?.patch;
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({
      group: 'split.smi-spec.io',
      version: 'v1alpha2',
      kind: 'TrafficSplit',
    });
    expect(patch?.parameters).toContainEqual(
      expect.objectContaining({ name: 'fieldValidation', in: 'query' }),
    );
    expect(Object.keys((patch?.requestBody as { content: object } | undefined)?.content ?? {})).not.toContain(
      'application/strategic-merge-patch+json',
    );

    expect((await rawRequest(double, '/openapi/v3/apis/flagger.app/v1beta1')).status).toBe(404);
    expect((await rawRequest(double, '/openapi/v3/apis/gateway.networking.k8s.io/v1')).status).toBe(404);
  });
});

describe('server-side tables', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble();
    double.apply(
      trafficSplit(
        'podinfo',
        'shop',
        [
          { service: 'podinfo-primary', weight: '900m' },
          { service: 'podinfo-canary', weight: '100m' },
        ],
        'split.smi-spec.io/v1alpha1',
      ),
    );
    double.apply(deployment('podinfo-primary', 'shop', 'podinfo:6.5.0', 3));
  });
  afterAll(async () => {
    await double.close();
  });

  it('answers a Table when kubectl asks for one, with weights as the requested version shows them', async () => {
    const answer = await rawRequest(
      double,
      '/apis/split.smi-spec.io/v1alpha2/namespaces/shop/trafficsplits',
      { headers: { accept: TABLE_ACCEPT } },
    );
    expect(answer.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    const table = answer.json<Table>();
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Service', 'Backends', 'Age']);
    expect(table.rows[0]?.cells.slice(0, 3)).toEqual([
      'podinfo',
      'podinfo',
      'podinfo-primary=900,podinfo-canary=100',
    ]);
    expect(table.rows[0]?.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'podinfo', namespace: 'shop' },
    });
    expect(table.rows[0]?.object?.spec).toBeUndefined();

    const v1alpha1 = (
      await rawRequest(double, '/apis/split.smi-spec.io/v1alpha1/trafficsplits', {
        headers: { accept: TABLE_ACCEPT },
      })
    ).json<Table>();
    expect(v1alpha1.rows[0]?.cells[2]).toBe('podinfo-primary=900m,podinfo-canary=100m');
  });

  it('includes whole objects or none as includeObject asks, and prints one object as a one-row table', async () => {
    const full = (
      await rawRequest(double, '/apis/apps/v1/namespaces/shop/deployments?includeObject=Object', {
        headers: { accept: TABLE_ACCEPT },
      })
    ).json<Table>();
    expect(full.rows[0]?.object).toMatchObject({ kind: 'Deployment', spec: { replicas: 3 } });
    expect(full.rows[0]?.cells.slice(0, 4)).toEqual(['podinfo-primary', '3/3', 3, 3]);
    expect(full.rows[0]?.cells.slice(5)).toEqual([
      'app,sidecar',
      'podinfo:6.5.0,busybox:1.36',
      'app=podinfo-primary',
    ]);

    const none = (
      await rawRequest(
        double,
        '/apis/apps/v1/namespaces/shop/deployments/podinfo-primary?includeObject=None',
        { headers: { accept: TABLE_ACCEPT } },
      )
    ).json<Table>();
    expect(none.rows).toHaveLength(1);
    expect(none.rows[0]?.object).toBeUndefined();

    const bad = await rawRequest(double, '/apis/apps/v1/deployments?includeObject=Everything', {
      headers: { accept: TABLE_ACCEPT },
    });
    expect(bad.status).toBe(400);
  });

  it('answers plain JSON otherwise, omitting apiVersion and kind from built-in list items', async () => {
    const list = (await rawRequest(double, '/apis/apps/v1/deployments')).json<{
      kind: string;
      items: Record<string, unknown>[];
    }>();
    expect(list.kind).toBe('DeploymentList');
    expect(list.items[0]).not.toHaveProperty('kind');
    expect(list.items[0]).toHaveProperty('spec');
    const splits = (await rawRequest(double, '/apis/split.smi-spec.io/v1alpha2/trafficsplits')).json<{
      items: Record<string, unknown>[];
    }>();
    expect(splits.items[0]).toMatchObject({ kind: 'TrafficSplit', apiVersion: 'split.smi-spec.io/v1alpha2' });
  });
});

describe('verbs', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble();
  });
  afterAll(async () => {
    await double.close();
  });

  it('refuses a verb discovery does not list for the resource', async () => {
    const deleteNamespace = await rawRequest(double, '/api/v1/namespaces/default', { method: 'DELETE' });
    expect(deleteNamespace.status).toBe(405);
    expect(deleteNamespace.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
    expect((await rawRequest(double, '/api/v1/namespaces/default')).status).toBe(200);
    const created = await rawRequest(double, '/api/v1/namespaces', {
      method: 'POST',
      body: JSON.stringify({ metadata: { name: 'team-a' } }),
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'team-a' },
      status: { phase: 'Active' },
    });
  });
});

describe('field validation', () => {
  let double: KubeApiDouble;
  const path = '/apis/split.smi-spec.io/v1alpha2/namespaces/shop/trafficsplits';
  const body = (name: string) =>
    JSON.stringify({
      ...trafficSplit(name, 'shop', [
        { service: 'a', weight: 1, colour: 'blue' } as { service: string; weight: number },
      ]),
      extra: true,
    });
  beforeAll(async () => {
    double = await startKubeApiDouble();
  });
  afterAll(async () => {
    await double.close();
  });

  it('refuses unknown fields with fieldValidation=Strict', async () => {
    const answer = await rawRequest(double, `${path}?fieldValidation=Strict`, {
      method: 'POST',
      body: body('strict'),
    });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({
      reason: 'BadRequest',
      message: 'strict decoding error: unknown field "extra", unknown field "spec.backends[0].colour"',
    });
    expect(double.get('split.smi-spec.io/v1alpha2', 'TrafficSplit', 'shop', 'strict')).toBeUndefined();
  });

  it('prunes unknown fields with a Warning header by default, and silently with Ignore', async () => {
    const warned = await rawRequest(double, path, { method: 'POST', body: body('warned') });
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe(
      '299 - "unknown field \\"extra\\"", 299 - "unknown field \\"spec.backends[0].colour\\""',
    );
    expect(warned.json<{ spec: unknown }>().spec).toEqual({
      service: 'warned',
      backends: [{ service: 'a', weight: 1 }],
    });
    const ignored = await rawRequest(double, `${path}?fieldValidation=Ignore`, {
      method: 'POST',
      body: body('ignored'),
    });
    expect(ignored.status).toBe(201);
    expect(ignored.headers.warning).toBeUndefined();
    expect(
      (await rawRequest(double, `${path}?fieldValidation=Sometimes`, { method: 'POST', body: body('x') }))
        .status,
    ).toBe(400);
  });
});

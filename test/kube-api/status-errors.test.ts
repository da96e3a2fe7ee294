import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { apiError } from './api-exception.js';
import { deployment, httpRoute, trafficSplit } from './fixtures.js';
import { rawRequest } from './raw-https.js';

const SPLIT = { group: 'split.smi-spec.io', version: 'v1alpha2', plural: 'trafficsplits' };
const ROUTE = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes' };

describe('Kubernetes API double: Status errors through @kubernetes/client-node', () => {
  let double: KubeApiDouble;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    double = await startKubeApiDouble();
    custom = double.kubeConfig().makeApiClient(CustomObjectsApi);
    double.apply(
      trafficSplit('podinfo', 'shop', [
        { service: 'podinfo-primary', weight: 90 },
        { service: 'podinfo-canary', weight: 10 },
      ]),
    );
    double.apply(httpRoute('web', 'shop', { primary: 100, canary: 0 }));
  });
  afterAll(async () => {
    await double.close();
  });

  it('answers 401 with an Unauthorized Status when the bearer token is missing or wrong', async () => {
    const anonymous = new KubeConfig();
    anonymous.loadFromString(double.kubeconfig().replace(double.token, 'not-the-token'));
    const error = await apiError(
      anonymous
        .makeApiClient(CustomObjectsApi)
        .getNamespacedCustomObject({ ...SPLIT, namespace: 'shop', name: 'podinfo' }),
    );
    // The generated client drops the body of a 401; the wire answer is checked below.
    expect(error.code).toBe(401);

    const withoutHeader = await rawRequest(double, '/api/v1/namespaces', { token: null });
    expect(withoutHeader.status).toBe(401);
    expect(withoutHeader.json()).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Unauthorized',
      code: 401,
    });
    const wrongToken = await rawRequest(double, '/version', { token: 'guess' });
    expect(wrongToken.status).toBe(401);
  });

  it('answers 404 NotFound naming the resource for a missing object', async () => {
    const error = await apiError(
      custom.getNamespacedCustomObject({ ...SPLIT, namespace: 'shop', name: 'absent' }),
    );
    expect(error.code).toBe(404);
    expect(error.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'trafficsplits.split.smi-spec.io "absent" not found',
      reason: 'NotFound',
      details: { name: 'absent', group: 'split.smi-spec.io', kind: 'trafficsplits' },
      code: 404,
    });
    const core = await apiError(
      double.kubeConfig().makeApiClient(CoreV1Api).readNamespacedService({ namespace: 'shop', name: 'nope' }),
    );
    expect(core.body).toMatchObject({
      message: 'services "nope" not found',
      details: { name: 'nope', group: '', kind: 'services' },
    });
  });

  it('answers 404 Status for an unknown resource and for a version the group does not serve', async () => {
    const unknown = await apiError(
      custom.listNamespacedCustomObject({
        group: 'split.smi-spec.io',
        version: 'v1alpha2',
        namespace: 'shop',
        plural: 'trafficroutes',
      }),
    );
    expect(unknown.code).toBe(404);
    expect(unknown.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });

    const unserved = await apiError(
      custom.getNamespacedCustomObject({ ...SPLIT, version: 'v1alpha3', namespace: 'shop', name: 'podinfo' }),
    );
    expect(unserved.code).toBe(404);
    expect(unserved.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      details: { group: 'split.smi-spec.io' },
    });

    const unknownGroup = await rawRequest(double, '/apis/flagger.app/v1beta1/namespaces/shop/canaries');
    expect(unknownGroup.status).toBe(404);
    expect(unknownGroup.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('answers 409 Conflict for a stale resourceVersion on PUT and on PATCH', async () => {
    const current = (await custom.getNamespacedCustomObject({
      ...SPLIT,
      namespace: 'shop',
      name: 'podinfo',
    })) as {
      metadata: { resourceVersion: string };
    };
    const stale = current.metadata.resourceVersion;
    await custom.patchNamespacedCustomObject(
      { ...SPLIT, namespace: 'shop', name: 'podinfo', body: { metadata: { labels: { touched: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

    const put = await apiError(
      custom.replaceNamespacedCustomObject({
        ...SPLIT,
        namespace: 'shop',
        name: 'podinfo',
        body: { ...current, metadata: { ...current.metadata, resourceVersion: stale } },
      }),
    );
    expect(put.code).toBe(409);
    expect(put.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on trafficsplits.split.smi-spec.io "podinfo": the object has been modified; ' +
        'please apply your changes to the latest version and try again',
      details: { name: 'podinfo', group: 'split.smi-spec.io', kind: 'trafficsplits' },
    });

    const patch = await apiError(
      custom.patchNamespacedCustomObject(
        {
          ...SPLIT,
          namespace: 'shop',
          name: 'podinfo',
          body: { metadata: { resourceVersion: stale }, spec: { service: 'other' } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(patch.code).toBe(409);
    const after = (await custom.getNamespacedCustomObject({
      ...SPLIT,
      namespace: 'shop',
      name: 'podinfo',
    })) as { spec: { service: string } };
    expect(after.spec.service).toBe('podinfo');
  });

  it('answers 409 AlreadyExists when creating an object twice', async () => {
    const body = trafficSplit('twice', 'shop', [{ service: 'a', weight: 1 }]);
    await custom.createNamespacedCustomObject({ ...SPLIT, namespace: 'shop', body });
    const error = await apiError(custom.createNamespacedCustomObject({ ...SPLIT, namespace: 'shop', body }));
    expect(error.code).toBe(409);
    expect(error.body).toMatchObject({
      reason: 'AlreadyExists',
      message: 'trafficsplits.split.smi-spec.io "twice" already exists',
    });
  });

  it('refuses strategic merge patch on the CRDs with 415, and records the content type the client sent', async () => {
    const split = await apiError(
      custom.patchNamespacedCustomObject(
        { ...SPLIT, namespace: 'shop', name: 'podinfo', body: { spec: { service: 'x' } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(split.code).toBe(415);
    expect(split.body).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
    expect((split.body as { message: string }).message).toContain('application/merge-patch+json');

    const route = await apiError(
      custom.patchNamespacedCustomObject(
        { ...ROUTE, namespace: 'shop', name: 'web', body: { spec: { hostnames: ['x.example.com'] } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(route.code).toBe(415);
    const last = double.requests.at(-1);
    expect(last).toMatchObject({
      method: 'PATCH',
      contentType: 'application/strategic-merge-patch+json',
      status: 415,
    });
    expect(last?.path).toBe('/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/web');
  });

  it('answers 422 Invalid with a FieldValueInvalid cause for a negative weight', async () => {
    const error = await apiError(
      custom.createNamespacedCustomObject({
        ...SPLIT,
        namespace: 'shop',
        body: trafficSplit('bad', 'shop', [
          { service: 'a', weight: -5 },
          { service: 'b', weight: 105 },
        ]),
      }),
    );
    expect(error.code).toBe(422);
    expect(error.body).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      details: {
        name: 'bad',
        group: 'split.smi-spec.io',
        kind: 'TrafficSplit',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: -5: spec.backends[0].weight in body should be greater than or equal to 0',
            field: 'spec.backends[0].weight',
          },
        ],
      },
    });
    expect((error.body as { message: string }).message).toBe(
      'TrafficSplit.split.smi-spec.io "bad" is invalid: spec.backends[0].weight: Invalid value: -5: ' +
        'spec.backends[0].weight in body should be greater than or equal to 0',
    );
    const missing = await apiError(
      custom.createNamespacedCustomObject({
        ...SPLIT,
        namespace: 'shop',
        body: { ...trafficSplit('nosvc', 'shop', []), spec: { backends: [{ service: 'a' }] } },
      }),
    );
    expect(missing.code).toBe(422);
    const causes = (missing.body as { details: { causes: { reason: string; field: string }[] } }).details
      .causes;
    expect(causes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'FieldValueRequired', field: 'spec.service' }),
        expect.objectContaining({ reason: 'FieldValueRequired', field: 'spec.backends[0].weight' }),
      ]),
    );
    const route = await apiError(
      custom.patchNamespacedCustomObject(
        {
          ...ROUTE,
          namespace: 'shop',
          name: 'web',
          body: [{ op: 'replace', path: '/spec/rules/0/backendRefs/0/weight', value: 2_000_000 }],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(route.code).toBe(422);
    expect(route.body).toMatchObject({
      details: { causes: [{ field: 'spec.rules[0].backendRefs[0].weight', reason: 'FieldValueInvalid' }] },
    });
  });

  it('answers 400 BadRequest for malformed JSON and for a namespace that contradicts the path', async () => {
    const malformed = await rawRequest(
      double,
      '/apis/split.smi-spec.io/v1alpha2/namespaces/shop/trafficsplits/podinfo',
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: '{"spec": ',
      },
    );
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });

    const elsewhere = await apiError(
      custom.createNamespacedCustomObject({
        ...SPLIT,
        namespace: 'shop',
        body: trafficSplit('moved', 'other', [{ service: 'a', weight: 1 }]),
      }),
    );
    expect(elsewhere.code).toBe(400);
    expect(elsewhere.body).toMatchObject({ reason: 'BadRequest' });
  });

  it('answers 405 MethodNotAllowed for a method the resource path does not take', async () => {
    const error = await rawRequest(
      double,
      '/apis/split.smi-spec.io/v1alpha2/namespaces/shop/trafficsplits/podinfo',
      { method: 'POST', body: '{}' },
    );
    expect(error.status).toBe(405);
    expect(error.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
    // A collection takes no PATCH (watch.test.ts covers `?watch=true`, which it now streams).
    const collectionPatch = await rawRequest(
      double,
      '/apis/split.smi-spec.io/v1alpha2/namespaces/shop/trafficsplits',
      { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{}' },
    );
    expect(collectionPatch.status).toBe(405);
  });

  it('requires a resourceVersion to update a custom resource, but not a Deployment', async () => {
    const current = (await custom.getNamespacedCustomObject({
      ...SPLIT,
      namespace: 'shop',
      name: 'podinfo',
    })) as {
      metadata: Record<string, unknown>;
    };
    const { resourceVersion: _rv, ...metadata } = current.metadata;
    const error = await apiError(
      custom.replaceNamespacedCustomObject({
        ...SPLIT,
        namespace: 'shop',
        name: 'podinfo',
        body: { ...current, metadata },
      }),
    );
    expect(error.code).toBe(422);
    expect(error.body).toMatchObject({ details: { causes: [{ field: 'metadata.resourceVersion' }] } });

    const apps = double.kubeConfig().makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('free', 'shop', 'nginx:1.27'),
    });
    const replaced = await apps.replaceNamespacedDeployment({
      namespace: 'shop',
      name: 'free',
      body: deployment('free', 'shop', 'nginx:1.28'),
    });
    expect(replaced.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.28');
  });
});

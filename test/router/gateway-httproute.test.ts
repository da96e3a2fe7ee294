import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, ConflictError } from '../../lib/errors.js';
import { HTTPROUTE_VERSIONS } from '../../lib/model/config.js';
import { createGatewayHttpRouteRouter } from '../../lib/router/gateway-httproute.js';
import { type KubeApiDouble, type KubeObject, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { httpRouteObject, namespaceObject } from './kube-objects.js';
import { webTarget } from './targets.js';

const routeApi = (version: string) => `gateway.networking.k8s.io/${version}`;

const adminRule = {
  matches: [{ path: { type: 'PathPrefix', value: '/admin' } }],
  backendRefs: [{ name: 'web-admin', port: 8080 }],
};
const splitRule = {
  matches: [{ path: { type: 'PathPrefix', value: '/' } }, { headers: [{ name: 'x-beta', value: 'yes' }] }],
  filters: [
    { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-route', value: 'main' }] } },
  ],
  backendRefs: [
    { name: 'web-primary', port: 8080, weight: 100 },
    { name: 'web-canary', port: 8081, weight: 0 },
    { name: 'web-shadow', port: 9090, weight: 0 },
  ],
  timeouts: { request: '10s' },
};

type Rule = { backendRefs?: { name: string; weight?: number }[] } & Record<string, unknown>;
function specOf(route: KubeObject | undefined): { rules: Rule[]; parentRefs?: unknown[] } {
  if (!route) throw new Error('the HTTPRoute is not stored');
  return route.spec as { rules: Rule[]; parentRefs?: unknown[] };
}
const rulesOf = (route: KubeObject | undefined): Rule[] => specOf(route).rules;

/** The rules as they should be after a write: `before` with only the two weights in rule `index` changed. */
function withWeights(before: Rule[], index: number, primary: number, canary: number): Rule[] {
  const expected = structuredClone(before);
  for (const ref of expected[index]?.backendRefs ?? []) {
    if (ref.name === 'web-primary') ref.weight = primary;
    if (ref.name === 'web-canary') ref.weight = canary;
  }
  return expected;
}

describe.each(HTTPROUTE_VERSIONS)('HTTPRoute %s', (version) => {
  let double: KubeApiDouble;
  const target = webTarget({ router: { kind: 'httproute' } });

  beforeAll(async () => {
    double = await startKubeApiDouble({ servedHttpRouteVersions: [version] });
    double.apply(namespaceObject());
  });
  afterAll(() => double.close());
  beforeEach(() => {
    double.injectFaults({});
    double.apply(httpRouteObject(version, [adminRule, splitRule]));
  });

  it('reads the weights of the rule holding both Services', async () => {
    const router = createGatewayHttpRouteRouter(double.kubeConfig(), target);
    expect(await router.readWeights()).toEqual({ primary: 100, canary: 0 });
  });

  it('changes only the two weights: other rules, matches, filters, ports and refs stay as they were', async () => {
    const before = rulesOf(double.get(routeApi(version), 'HTTPRoute', 'prod', 'web'));
    const from = double.requests.length;
    await createGatewayHttpRouteRouter(double.kubeConfig(), target).setWeights({ primary: 80, canary: 20 });

    const after = double.get(routeApi(version), 'HTTPRoute', 'prod', 'web');
    expect(rulesOf(after)).toEqual(withWeights(before, 1, 80, 20));
    expect(specOf(after).parentRefs).toEqual([{ group: 'core', kind: 'Service', name: 'web', port: 80 }]);
    const patches = double.requests.slice(from).filter((r) => r.method === 'PATCH');
    expect(patches).toEqual([
      expect.objectContaining({
        path: `/apis/gateway.networking.k8s.io/${version}/namespaces/prod/httproutes/web`,
        contentType: 'application/merge-patch+json',
        status: 200,
      }),
    ]);
  });

  it('does not write when the weights already match', async () => {
    const router = createGatewayHttpRouteRouter(double.kubeConfig(), target);
    const from = double.requests.length;
    await router.setWeights({ primary: 100, canary: 0 });
    expect(double.requests.slice(from).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('retries 409 Conflicts after a fresh read', async () => {
    double.injectFaults({ conflictsOnNextWrites: 3 });
    const from = double.requests.length;
    await createGatewayHttpRouteRouter(double.kubeConfig(), target).setWeights({ primary: 50, canary: 50 });
    expect(
      double.requests
        .slice(from)
        .filter((r) => r.method === 'PATCH')
        .map((r) => r.status),
    ).toEqual([409, 409, 409, 200]);
    expect(await createGatewayHttpRouteRouter(double.kubeConfig(), target).readWeights()).toEqual({
      primary: 50,
      canary: 50,
    });
  });
});

describe('HTTPRoute routing choices and errors', () => {
  let double: KubeApiDouble;
  const target = webTarget({ router: { kind: 'httproute' } });

  beforeAll(async () => {
    double = await startKubeApiDouble();
    double.apply(namespaceObject());
  });
  afterAll(() => double.close());
  beforeEach(() => double.injectFaults({}));

  it('prefers v1 when both versions are served, and honours a pinned v1beta1', async () => {
    double.apply(httpRouteObject('v1', [splitRule]));
    let from = double.requests.length;
    await createGatewayHttpRouteRouter(double.kubeConfig(), target).setWeights({ primary: 90, canary: 10 });
    const paths = (f: number) =>
      double.requests
        .slice(f)
        .filter((r) => r.path.includes('/httproutes/'))
        .map((r) => r.path.split('/')[3]);
    expect(new Set(paths(from))).toEqual(new Set(['v1']));

    from = double.requests.length;
    const pinned = webTarget({ router: { kind: 'httproute', apiVersion: 'v1beta1' } });
    await createGatewayHttpRouteRouter(double.kubeConfig(), pinned).setWeights({ primary: 70, canary: 30 });
    expect(new Set(paths(from))).toEqual(new Set(['v1beta1']));
    expect(await createGatewayHttpRouteRouter(double.kubeConfig(), target).readWeights()).toEqual({
      primary: 70,
      canary: 30,
    });
  });

  it('keeps every rule that splits between the two Services at the same weights', async () => {
    const apiRule = {
      matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
      backendRefs: [
        { name: 'web-canary', port: 8081, weight: 3 },
        { name: 'web-primary', port: 8080, weight: 1 },
      ],
    };
    double.apply(httpRouteObject('v1', [apiRule, adminRule, splitRule]));
    const router = createGatewayHttpRouteRouter(double.kubeConfig(), target);
    expect(await router.readWeights()).toEqual({ primary: 25, canary: 75 });
    const before = rulesOf(double.get(routeApi('v1'), 'HTTPRoute', 'prod', 'web'));
    await router.setWeights({ primary: 60, canary: 40 });
    const after = rulesOf(double.get(routeApi('v1'), 'HTTPRoute', 'prod', 'web'));
    expect(after).toEqual(withWeights(withWeights(before, 0, 60, 40), 2, 60, 40));
  });

  it('refuses a route without a rule holding both Services', async () => {
    double.apply(httpRouteObject('v1', [adminRule, { backendRefs: [{ name: 'web-primary', port: 8080 }] }]));
    const error = await createGatewayHttpRouteRouter(double.kubeConfig(), target)
      .readWeights()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'configuration error: HTTPRoute prod/web has no rule whose backendRefs hold both web-primary and web-canary (rule 0: web-admin; rule 1: web-primary)',
    );
  });

  it('refuses a route owned by Argo Rollouts without writing', async () => {
    double.apply(
      httpRouteObject('v1', [splitRule], {
        metadata: {
          ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web', uid: 'u-3' }],
        },
      }),
    );
    const from = double.requests.length;
    await expect(
      createGatewayHttpRouteRouter(double.kubeConfig(), target).setWeights({ primary: 1, canary: 99 }),
    ).rejects.toThrow('configuration error: HTTPRoute prod/web is owned by Argo Rollouts (Rollout web)');
    expect(double.requests.slice(from).filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('gives up with ConflictError when conflicts never stop', async () => {
    double.apply(httpRouteObject('v1', [splitRule]));
    double.injectFaults({ conflictsOnNextWrites: 5 });
    await expect(
      createGatewayHttpRouteRouter(double.kubeConfig(), target).setWeights({ primary: 1, canary: 99 }),
    ).rejects.toThrow(ConflictError);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { type AviaryConfig, AviaryConfigSchema, type ResolvedTarget } from '../../lib/model/config.js';
import { createTrafficRouter } from '../../lib/router/create-router.js';
import { deploymentPods, httpRouteShares, trafficSplitShares } from '../../lib/sim/cluster/mesh-routes.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../lib/sim/cluster/simulated-cluster.js';
import { webTarget } from '../router/targets.js';

const target = webTarget();

const split = (service: string, backends: { service: string; weight?: unknown }[]) => ({
  apiVersion: 'split.smi-spec.io/v1alpha2',
  kind: 'TrafficSplit',
  metadata: { name: 'web', namespace: 'prod' },
  spec: { service, backends },
});

const route = (
  rules: unknown[],
  parentRefs: unknown[] = [{ group: 'core', kind: 'Service', name: 'web' }],
) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'web', namespace: 'prod' },
  spec: { parentRefs, rules },
});

describe("the simulated mesh's own reading of TrafficSplits", () => {
  it('gives each backend its share of the apex requests', () => {
    expect(
      trafficSplitShares(
        split('web', [
          { service: 'web-primary', weight: 70 },
          { service: 'web-canary', weight: 30 },
        ]),
        target,
      ),
    ).toEqual({ primary: 70, canary: 30 });
    expect(
      trafficSplitShares(
        split('web', [
          { service: 'web-primary', weight: 1 },
          { service: 'web-canary', weight: 3 },
        ]),
        target,
      ),
    ).toEqual({ primary: 25, canary: 75 });
  });

  it('sends a third backend its share too (the product refuses such a split; the mesh routes by it)', () => {
    expect(
      trafficSplitShares(
        split('web', [
          { service: 'web-primary', weight: 50 },
          { service: 'web-canary', weight: 25 },
          { service: 'web-mirror', weight: 25 },
        ]),
        target,
      ),
    ).toEqual({ primary: 50, canary: 25 });
  });

  it('routes nothing by a split of another apex, and all to the primary when every weight is zero', () => {
    const backends = [
      { service: 'web-primary', weight: 0 },
      { service: 'web-canary', weight: 100 },
    ];
    expect(trafficSplitShares(split('api', backends), target)).toEqual({ primary: 100, canary: 0 });
    expect(
      trafficSplitShares(
        split('web', [
          { service: 'web-primary', weight: 0 },
          { service: 'web-canary', weight: 0 },
        ]),
        target,
      ),
    ).toEqual({ primary: 100, canary: 0 });
  });
});

describe("the simulated mesh's own reading of HTTPRoutes", () => {
  const refs = (primary?: number, canary?: number) => [
    { name: 'web-primary', port: 9898, ...(primary === undefined ? {} : { weight: primary }) },
    { name: 'web-canary', port: 9898, ...(canary === undefined ? {} : { weight: canary }) },
  ];

  it('splits by the backendRefs of the rule that catches plain requests; a missing weight is 1', () => {
    expect(httpRouteShares(route([{ backendRefs: refs(80, 20) }]), target)).toEqual({
      primary: 80,
      canary: 20,
    });
    expect(httpRouteShares(route([{ backendRefs: refs(undefined, 1) }]), target)).toEqual({
      primary: 50,
      canary: 50,
    });
    // A rule for /api only does not carry requests to /; the catch-all rule after it does.
    const rules = [
      { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: refs(0, 100) },
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: refs(90, 10) },
    ];
    expect(httpRouteShares(route(rules), target)).toEqual({ primary: 90, canary: 10 });
  });

  it('ignores a route not attached to the apex Service, and backendRefs to other kinds or namespaces', () => {
    expect(
      httpRouteShares(route([{ backendRefs: refs(0, 100) }], [{ kind: 'Gateway', name: 'web' }]), target),
    ).toEqual({ primary: 100, canary: 0 });
    const foreign = [
      { name: 'web-primary', weight: 50 },
      { name: 'web-canary', namespace: 'staging', weight: 50 },
    ];
    expect(httpRouteShares(route([{ backendRefs: foreign }]), target)).toEqual({ primary: 50, canary: 0 });
  });

  it('sees the pods of a Deployment from its spec and status', () => {
    expect(
      deploymentPods({
        spec: { template: { spec: { containers: [{ name: 'app', image: 'podinfo:7' }] } } },
        status: { readyReplicas: 2 },
      }),
    ).toEqual({ image: 'podinfo:7', readyReplicas: 2 });
    expect(deploymentPods(undefined)).toEqual({ image: null, readyReplicas: 0 });
  });
});

function simulatedTarget(router: unknown): {
  target: ResolvedTarget;
  cluster: AviaryConfig['clusters'][string];
} {
  const config = AviaryConfigSchema.parse({
    clusters: { sim: { kind: 'simulated', deploymentRolloutSeconds: 0 } },
    policies: { p: { stepWeights: [30] } },
    targets: {
      web: {
        cluster: 'sim',
        namespace: 'shop',
        service: 'web',
        primary: { service: 'web-primary', deployment: 'web-primary' },
        canary: { service: 'web-canary', deployment: 'web-canary' },
        router,
        metrics: { kind: 'smi' },
        policy: 'p',
      },
    },
  });
  const web = config.targets.web;
  const cluster = config.clusters.sim;
  if (!web || !cluster) throw new Error('unreachable');
  return { target: { ...web, name: 'web' }, cluster };
}

describe('the product writes a weight; the simulated mesh reads it with its own code', () => {
  let sim: SimulatedCluster | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  for (const router of [
    { kind: 'smi', apiVersion: 'v1alpha1' },
    { kind: 'smi', apiVersion: 'v1alpha2' },
    { kind: 'httproute', apiVersion: 'v1' },
    { kind: 'httproute', apiVersion: 'v1beta1' },
  ]) {
    it(`${router.kind} ${router.apiVersion}: the share the router writes is the share the mesh routes`, async () => {
      const { target: web, cluster } = simulatedTarget(router);
      if (cluster?.kind !== 'simulated') throw new Error('unreachable');
      sim = await startSimulatedCluster({ name: 'sim', cluster, targets: [web] });
      const product = createTrafficRouter(sim.kubeConfig(), web);
      for (const canary of [5, 25, 50, 100, 0]) {
        await product.setWeights({ primary: 100 - canary, canary });
        expect(sim.weightsOf(web)).toEqual({ primary: 100 - canary, canary });
        expect(await product.readWeights()).toEqual({ primary: 100 - canary, canary });
      }
    });
  }

  it('catches the product and the mesh reading one route differently: the mesh follows the catch-all rule', async () => {
    const { target: web, cluster } = simulatedTarget({ kind: 'httproute' });
    if (cluster?.kind !== 'simulated') throw new Error('unreachable');
    sim = await startSimulatedCluster({ name: 'sim', cluster, targets: [web] });
    const refs = (primary: number, canary: number) => [
      { name: 'web-primary', port: 9898, weight: primary },
      { name: 'web-canary', port: 9898, weight: canary },
    ];
    // Someone adds an /api rule before the catch-all and sends the catch-all to the canary by hand.
    sim.api.apply({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        parentRefs: [{ group: 'core', kind: 'Service', name: 'web', port: 9898 }],
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: refs(100, 0) },
          { backendRefs: refs(0, 100) },
        ],
      },
    });
    const product = createTrafficRouter(sim.kubeConfig(), web);
    // The product reports the first splitting rule; most requests follow the other one.
    expect(await product.readWeights()).toEqual({ primary: 100, canary: 0 });
    expect(sim.weightsOf(web)).toEqual({ primary: 0, canary: 100 });
    // Writing weights puts every splitting rule in line, and then both readings agree.
    await product.setWeights({ primary: 90, canary: 10 });
    expect(sim.weightsOf(web)).toEqual({ primary: 90, canary: 10 });
  });
});

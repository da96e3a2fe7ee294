import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/errors.js';
import { createTrafficRouter } from '../../lib/router/create-router.js';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { httpRouteObject, namespaceObject, trafficSplitObject } from './kube-objects.js';
import { webTarget } from './targets.js';

const splitRule = {
  backendRefs: [
    { name: 'web-primary', port: 8080, weight: 90 },
    { name: 'web-canary', port: 8080, weight: 10 },
  ],
};

describe('createTrafficRouter', () => {
  let double: KubeApiDouble;

  // A fresh API server per test: each test's routes are the only ones in the namespace.
  beforeEach(async () => {
    double = await startKubeApiDouble();
    double.apply(namespaceObject());
  });
  afterEach(() => double.close());

  it('routes an smi target through its TrafficSplit', async () => {
    double.apply(trafficSplitObject('v1alpha2', [3, 1]));
    const router = createTrafficRouter(double.kubeConfig(), webTarget());
    expect(await router.readWeights()).toEqual({ primary: 75, canary: 25 });
  });

  it('routes an httproute target through its HTTPRoute', async () => {
    double.apply(httpRouteObject('v1', [splitRule], { name: 'web-route' }));
    const router = createTrafficRouter(
      double.kubeConfig(),
      webTarget({ router: { kind: 'httproute', name: 'web-route' } }),
    );
    await router.setWeights({ primary: 40, canary: 60 });
    expect(await router.readWeights()).toEqual({ primary: 40, canary: 60 });
  });

  it('refuses an smi target whose apex also has an HTTPRoute attached, without writing', async () => {
    double.apply(trafficSplitObject('v1alpha2', [9, 1]));
    double.apply(httpRouteObject('v1', [splitRule], { name: 'web-mesh' }));
    const router = createTrafficRouter(double.kubeConfig(), webTarget());
    const error = await router.readWeights().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'configuration error: both TrafficSplit prod/web and HTTPRoute prod/web-mesh route service prod/web; the target uses router kind "smi": delete the other one (or fix router.kind)',
    );
    const from = double.requests.length;
    await expect(router.setWeights({ primary: 50, canary: 50 })).rejects.toThrow('configuration error: both');
    expect(double.requests.slice(from).filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('refuses an httproute target whose apex also has a TrafficSplit, whatever its name', async () => {
    double.apply(httpRouteObject('v1', [splitRule], { name: 'web-mesh' }));
    double.apply(trafficSplitObject('v1alpha1', ['900m', '100m'], { name: 'legacy-split' }));
    const router = createTrafficRouter(
      double.kubeConfig(),
      webTarget({ router: { kind: 'httproute', name: 'web-mesh' } }),
    );
    await expect(router.readWeights()).rejects.toThrow(
      'configuration error: both HTTPRoute prod/web-mesh and TrafficSplit prod/legacy-split route service prod/web',
    );
  });

  it('ignores HTTPRoutes attached to a Gateway, not to the apex Service, even one named like it', async () => {
    double.apply(trafficSplitObject('v1alpha2', [1, 1]));
    double.apply(
      httpRouteObject('v1', [splitRule], {
        name: 'web',
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' }],
      }),
    );
    expect(await createTrafficRouter(double.kubeConfig(), webTarget()).readWeights()).toEqual({
      primary: 50,
      canary: 50,
    });
  });
});

describe('createTrafficRouter without the Gateway API installed', () => {
  it('does not need the other API group', async () => {
    const double = await startKubeApiDouble({ servedSplitVersions: ['v1alpha4'] });
    try {
      double.apply(namespaceObject());
      double.apply(trafficSplitObject('v1alpha4', [1, 0]));
      expect(await createTrafficRouter(double.kubeConfig(), webTarget()).readWeights()).toEqual({
        primary: 100,
        canary: 0,
      });
    } finally {
      await double.close();
    }
  });
});

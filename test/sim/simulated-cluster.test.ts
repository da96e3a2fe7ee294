import { afterEach, describe, expect, it } from 'vitest';
import { createKubeWorkloads } from '../../lib/cluster/kube-workloads.js';
import { createMetricSource } from '../../lib/metrics/create-metric-source.js';
import { type AviaryConfig, AviaryConfigSchema, type ResolvedTarget } from '../../lib/model/config.js';
import { createTrafficRouter } from '../../lib/router/create-router.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../lib/sim/cluster/simulated-cluster.js';
import { SEED_IMAGE } from '../../lib/sim/cluster/target-objects.js';

const PROMETHEUS = {
  kind: 'prometheus',
  serviceProxy: { namespace: 'linkerd-viz', service: 'prometheus', port: 9090 },
};

function setup(router: unknown, metrics: unknown, metricsShape: 'smi-metrics' | 'spec') {
  const config: AviaryConfig = AviaryConfigSchema.parse({
    clusters: {
      sim: {
        kind: 'simulated',
        requestsPerSecond: 400,
        faultyErrorRate: 0.2,
        deploymentRolloutSeconds: 0,
        metricsShape,
      },
    },
    policies: { p: { stepWeights: [30] } },
    targets: {
      web: {
        cluster: 'sim',
        namespace: 'shop',
        service: 'web',
        primary: { service: 'web-primary', deployment: 'web-primary' },
        canary: { service: 'web-canary', deployment: 'web-canary' },
        router,
        metrics,
        policy: 'p',
      },
    },
  });
  const target: ResolvedTarget = { ...(config.targets.web as AviaryConfig['targets'][string]), name: 'web' };
  const cluster = config.clusters.sim;
  if (cluster?.kind !== 'simulated') throw new Error('unreachable');
  return { target, cluster };
}

const combinations = [
  { router: { kind: 'smi' }, metrics: { kind: 'smi' }, shape: 'smi-metrics' as const },
  { router: { kind: 'smi', apiVersion: 'v1alpha1' }, metrics: { kind: 'smi' }, shape: 'spec' as const },
  { router: { kind: 'httproute' }, metrics: { kind: 'smi' }, shape: 'smi-metrics' as const },
  {
    router: { kind: 'httproute', apiVersion: 'v1beta1' },
    metrics: PROMETHEUS,
    shape: 'smi-metrics' as const,
  },
  { router: { kind: 'smi' }, metrics: PROMETHEUS, shape: 'spec' as const },
];

describe('the simulated cluster of `npm start` serves every router kind and metric shape to the real adapters', () => {
  let sim: SimulatedCluster | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  for (const c of combinations) {
    const label = `${c.router.kind}${'apiVersion' in c.router ? ` ${c.router.apiVersion}` : ''} + ${c.metrics.kind} (${c.shape})`;
    it(`${label}: the weight the router writes is the share of requests the metric source sees`, async () => {
      const { target, cluster } = setup(c.router, c.metrics, c.shape);
      sim = await startSimulatedCluster({ name: 'sim', cluster, targets: [target], seed: 5 });
      const kubeConfig = sim.kubeConfig();
      const router = createTrafficRouter(kubeConfig, target);
      const metrics = createMetricSource(kubeConfig, target);
      const workloads = createKubeWorkloads(kubeConfig, target);

      expect(await router.readWeights()).toEqual({ primary: 100, canary: 0 });
      const before = await metrics.read(60);
      // A canary with no traffic is "no data", never zero requests.
      expect(before.canary).toBeNull();
      expect(before.primary?.successCount).toBeGreaterThan(20_000);

      await workloads.prepareCanary({ image: `${SEED_IMAGE.replace(/:.*/, '')}:7.0.0-faulty`, replicas: 2 });
      await router.setWeights({ primary: 70, canary: 30 });
      expect(sim.weightsOf(target)).toEqual({ primary: 70, canary: 30 });

      const window = await metrics.read(60);
      const canary = window.canary;
      const primary = window.primary;
      if (!canary || !primary) throw new Error('both sides should have traffic at 30%');
      const canaryTotal = canary.successCount + canary.failureCount;
      const total = canaryTotal + primary.successCount + primary.failureCount;
      // 400 rps × 60 s = 24,000 requests; 30% ± 5 standard deviations.
      expect(canaryTotal / total).toBeGreaterThan(0.28);
      expect(canaryTotal / total).toBeLessThan(0.32);
      // The `-faulty` image fails about 20% of its requests; the primary almost none.
      expect(canary.failureCount / canaryTotal).toBeGreaterThan(0.17);
      expect(canary.failureCount / canaryTotal).toBeLessThan(0.23);
      expect(primary.failureCount / (primary.successCount + primary.failureCount)).toBeLessThan(0.01);
      expect(canary.p99Ms).toBeGreaterThan(canary.p50Ms ?? 0);
    });
  }
});

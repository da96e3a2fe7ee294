import type { KubeConfig } from '@kubernetes/client-node';
import { normalQuantile } from '../../analysis/normal.js';
import { deploymentView, parseDeployment } from '../../cluster/deployment-view.js';
import type { ClusterConfig, ResolvedTarget } from '../../model/config.js';
import type { DeploymentView, WorkloadWindow } from '../../model/observation.js';
import { type KubeApiDouble, startKubeApiDouble, type TrafficSample } from '../kube-api/index.js';
import { createPrometheusHandler } from '../prometheus-double.js';
import { createRandom, type Random } from '../random.js';
import type { Scenario } from '../scenario.js';
import { logNormalOf, type MetricsShape, type SampledWindow } from '../traffic-model.js';
import { deploymentPods, httpRouteShares, type MeshShares, trafficSplitShares } from './mesh-routes.js';
import {
  type MeshTrafficOptions,
  sampleScenarioWindow,
  sampleTargetWindow,
  sideOf,
  type TargetTraffic,
} from './mesh-traffic.js';
import { targetObjects } from './target-objects.js';

export type SimulatedClusterConfig = Extract<ClusterConfig, { kind: 'simulated' }>;

export interface SimulatedClusterOptions {
  name: string;
  cluster: SimulatedClusterConfig;
  /** The targets that live on this cluster; each is seeded with its services, Deployments and route. */
  targets: ResolvedTarget[];
  /** Seed of the traffic simulator, so a run can be replayed. */
  seed?: number;
  /** Fixed API token (tests); random otherwise. */
  token?: string;
  /**
   * Scenario traffic (a bench/scenarios file): its rate, both sides' error rates, failure bursts, latencies,
   * changes and weight failures drive every target's mesh traffic instead of the image-tag rule. Changes are timed
   * from the cluster's start on `clock`.
   */
  scenario?: Scenario;
  /** Milliseconds since the epoch (the stack's clock); times scenario changes. */
  clock?: () => number;
}

/** One simulated cluster: the Kubernetes API double seeded with the targets, and mesh traffic behind its metrics. */
export interface SimulatedCluster {
  readonly name: string;
  readonly api: KubeApiDouble;
  kubeConfig(): KubeConfig;
  /** A Deployment as the product reads it (image of the first container, replicas, readiness). */
  deployment(namespace: string, name: string): DeploymentView;
  /**
   * The shares of a target's requests the mesh sends to its primary and canary now, read from the stored
   * TrafficSplit or HTTPRoute by the simulator's own code (never the product's router parsing).
   */
  weightsOf(target: ResolvedTarget): MeshShares;
  /**
   * What the simulated mesh's proxies would count for a workload over a window (null: no traffic); `histogram`
   * adds the latency bucket counts Prometheus holds.
   */
  windowFor(
    target: ResolvedTarget,
    deployment: string,
    windowSeconds: number,
    shape?: MetricsShape,
  ): WorkloadWindow | null;
  close(): Promise<void>;
}

/**
 * Starts the Kubernetes API double for one `kind: simulated` cluster and puts a Linkerd-like mesh behind it:
 * requests to each target's apex service are split by the TrafficSplit/HTTPRoute weights as stored right now,
 * each side succeeds or fails according to the image it runs (`-faulty` tags fail, `-slow` ones answer late) or
 * to the scenario's traffic model, and both the SMI metrics API (quantiles) and a Prometheus behind the service
 * proxy (counts and latency buckets) report that traffic.
 */
export async function startSimulatedCluster(options: SimulatedClusterOptions): Promise<SimulatedCluster> {
  const { cluster, targets } = options;
  const api = await startKubeApiDouble({
    metricsShape: cluster.metricsShape,
    deploymentRolloutMs: Math.round(cluster.deploymentRolloutSeconds * 1000),
    ...(options.token === undefined ? {} : { token: options.token }),
  });
  for (const target of targets) {
    for (const object of targetObjects(target)) api.apply(object);
  }
  const rng: Random = createRandom(options.seed ?? 1);
  const traffic: MeshTrafficOptions = {
    requestsPerSecond: cluster.requestsPerSecond,
    faultyErrorRate: cluster.faultyErrorRate,
  };

  const weightsOf = (target: ResolvedTarget): MeshShares => {
    const name = target.router.name ?? target.service;
    if (target.router.kind === 'httproute') {
      const route = api.get('gateway.networking.k8s.io/v1', 'HTTPRoute', target.namespace, name);
      return route ? httpRouteShares(route, target) : { primary: 100, canary: 0 };
    }
    // Read at v1alpha2: the API double converts v1alpha1 quantities to integers, as the API server does.
    const split = api.get('split.smi-spec.io/v1alpha2', 'TrafficSplit', target.namespace, name);
    return split ? trafficSplitShares(split, target) : { primary: 100, canary: 0 };
  };

  const deploymentOf = (namespace: string, name: string): DeploymentView => {
    const object = api.get('apps/v1', 'Deployment', namespace, name);
    return deploymentView(name, object ? parseDeployment(object, name) : null);
  };

  const side = (target: ResolvedTarget, name: string): TargetTraffic['canary'] =>
    deploymentPods(api.get('apps/v1', 'Deployment', target.namespace, name));

  const clock = options.clock ?? Date.now;
  const startedAt = clock();
  const { scenario } = options;
  const sample = (target: ResolvedTarget, windowSeconds: number, shape: MetricsShape): SampledWindow => {
    const now: TargetTraffic = {
      canaryWeight: weightsOf(target).canary,
      canary: side(target, target.canary.deployment),
      primary: side(target, target.primary.deployment),
    };
    if (!scenario) return sampleTargetWindow(windowSeconds, now, traffic, rng, shape);
    const atSecond = (clock() - startedAt) / 1000;
    return sampleScenarioWindow(scenario, atSecond, windowSeconds, now, rng, shape);
  };
  const windowFor = (
    target: ResolvedTarget,
    deployment: string,
    windowSeconds: number,
    shape: MetricsShape = 'quantiles',
  ) => sideOf(target, deployment, sample(target, windowSeconds, shape));

  // Prometheus answers every query evaluated at one instant from the same stored samples: the product's counts,
  // quantile and bucket queries of one window (and both sides) must see one draw of traffic, not four.
  const drawn = new Map<string, SampledWindow>();
  const prometheusWindow = (target: ResolvedTarget, windowSeconds: number, time: number): SampledWindow => {
    const key = `${target.name}\u0000${windowSeconds}\u0000${time}`;
    let window = drawn.get(key);
    if (!window) {
      window = sample(target, windowSeconds, 'histogram');
      if (drawn.size >= 256) drawn.clear();
      drawn.set(key, window);
    }
    return window;
  };

  const targetOf = (namespace: string, deployment: string): ResolvedTarget | undefined =>
    targets.find(
      (t) =>
        t.namespace === namespace &&
        (t.primary.deployment === deployment || t.canary.deployment === deployment),
    );

  api.setMetricsProvider(({ namespace, name, windowSeconds }) => {
    const target = targetOf(namespace, name);
    const window = target ? windowFor(target, name, windowSeconds) : null;
    return window === null ? null : toTrafficSample(window);
  });

  for (const target of targets) {
    if (target.metrics.kind !== 'prometheus' || target.metrics.serviceProxy === undefined) continue;
    const { namespace, service, port } = target.metrics.serviceProxy;
    api.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service, namespace },
      spec: {
        selector: { app: service },
        ports: [
          { name: typeof port === 'string' ? port : 'http', port: typeof port === 'number' ? port : 9090 },
        ],
      },
    });
    const prometheus = createPrometheusHandler({
      provider: ({ namespace: ns, deployment, windowSeconds, time }) => {
        const owner = targetOf(ns, deployment);
        return owner ? sideOf(owner, deployment, prometheusWindow(owner, windowSeconds, time)) : null;
      },
    });
    api.setServiceProxy(namespace, service, port, (request) =>
      prometheus.handle({ ...request, headers: request.headers }),
    );
  }

  return {
    name: options.name,
    api,
    kubeConfig: () => api.kubeConfig(options.name),
    deployment: deploymentOf,
    weightsOf,
    windowFor,
    close: () => api.close(),
  };
}

const Z90 = normalQuantile(0.9);

/** The SMI API also reports p90: the simulated latencies are log-normal through p50 and p99, so read it off that. */
function toTrafficSample(window: WorkloadWindow): TrafficSample | null {
  if (window.successCount + window.failureCount === 0) return null;
  const p50 = window.p50Ms ?? 0;
  const p99 = window.p99Ms ?? p50;
  let p90 = p50;
  if (p50 > 0 && p99 > 0) {
    const { mu, sigma } = logNormalOf({ p50, p99 });
    p90 = Math.exp(mu + sigma * Z90);
  }
  return {
    successCount: window.successCount,
    failureCount: window.failureCount,
    p50Ms: p50,
    p90Ms: p90,
    p99Ms: p99,
  };
}

import type { ResolvedTarget } from '../../model/config.js';
import type { WorkloadWindow } from '../../model/observation.js';
import type { Random } from '../random.js';
import { type Scenario, scenarioSegments } from '../scenario.js';
import {
  type MetricsShape,
  type SampledWindow,
  type SideConditions,
  sampleSegments,
  sampleWindow,
} from '../traffic-model.js';

/** What the simulated mesh needs to know about one target at the moment a window is asked for. */
export interface TargetTraffic {
  canaryWeight: number;
  canary: { image: string | null; readyReplicas: number };
  primary: { image: string | null; readyReplicas: number };
}

export interface MeshTrafficOptions {
  requestsPerSecond: number;
  faultyErrorRate: number;
  healthyErrorRate?: number;
  latencyMs?: { p50: number; p99: number };
}

const HEALTHY_ERROR_RATE = 0.001;
const LATENCY = { p50: 40, p99: 180 };
const SLOW_LATENCY = { p50: 160, p99: 2_400 };

/**
 * An image whose tag ends in `-faulty` serves errors, one ending in `-slow` answers late; a side without ready
 * pods fails every request.
 */
export function sideConditions(
  side: { image: string | null; readyReplicas: number },
  options: MeshTrafficOptions,
): SideConditions {
  const latencyMs = options.latencyMs ?? LATENCY;
  if (side.readyReplicas === 0) return { errorRate: 1, latencyMs };
  const faulty = side.image !== null && /-faulty$/.test(side.image);
  const slow = side.image !== null && /-slow$/.test(side.image);
  return {
    errorRate: faulty ? options.faultyErrorRate : (options.healthyErrorRate ?? HEALTHY_ERROR_RATE),
    latencyMs: slow ? SLOW_LATENCY : latencyMs,
  };
}

/**
 * One window of one target's traffic, both sides, as the mesh's proxies would count it: requests to the apex
 * service arrive as a Poisson process and are split by the router's current weight. `histogram` also gives
 * the latency bucket counts the proxies export to Prometheus.
 */
export function sampleTargetWindow(
  windowSeconds: number,
  traffic: TargetTraffic,
  options: MeshTrafficOptions,
  rng: Random,
  shape: MetricsShape = 'quantiles',
): SampledWindow {
  return sampleWindow(
    {
      rps: options.requestsPerSecond,
      canaryWeight: traffic.canaryWeight,
      seconds: windowSeconds,
      canary: sideConditions(traffic.canary, options),
      primary: sideConditions(traffic.primary, options),
    },
    rng,
    shape,
  );
}

/**
 * One window of scenario traffic ending `atSecond` seconds into the scenario: its rate, bursts, changes and
 * weight failures instead of the image-tag rule; a side without ready pods still fails every request.
 */
export function sampleScenarioWindow(
  scenario: Scenario,
  atSecond: number,
  windowSeconds: number,
  traffic: TargetTraffic,
  rng: Random,
  shape: MetricsShape,
): SampledWindow {
  const down = (side: SideConditions, pods: { readyReplicas: number }): SideConditions =>
    pods.readyReplicas === 0 ? { errorRate: 1, latencyMs: side.latencyMs } : side;
  const segments = scenarioSegments(scenario, traffic.canaryWeight, atSecond - windowSeconds, atSecond).map(
    (s) => ({
      ...s,
      canary: down(s.canary, traffic.canary),
      primary: down(s.primary, traffic.primary),
    }),
  );
  return sampleSegments(segments, rng, shape);
}

/** One workload's side of a sampled window; null for a Deployment that is neither side of the target. */
export function sideOf(
  target: ResolvedTarget,
  deployment: string,
  window: SampledWindow,
): WorkloadWindow | null {
  if (deployment === target.canary.deployment) return window.canary;
  if (deployment === target.primary.deployment) return window.primary;
  return null;
}

import type { ResolvedTarget } from '../../model/config.js';
import type { WorkloadWindow } from '../../model/observation.js';
import type { Random } from '../random.js';
import { type SideConditions, sampleWindow } from '../traffic-model.js';

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
 * One window of one target's traffic, as the mesh's proxies would count it for `deployment`: requests
 * to the apex service arrive as a Poisson process and are split by the router's current weight.
 */
export function sampleDeploymentWindow(
  target: ResolvedTarget,
  deployment: string,
  windowSeconds: number,
  traffic: TargetTraffic,
  options: MeshTrafficOptions,
  rng: Random,
): WorkloadWindow | null {
  const window = sampleWindow(
    {
      rps: options.requestsPerSecond,
      canaryWeight: traffic.canaryWeight,
      seconds: windowSeconds,
      canary: sideConditions(traffic.canary, options),
      primary: sideConditions(traffic.primary, options),
    },
    rng,
  );
  if (deployment === target.canary.deployment) return window.canary;
  if (deployment === target.primary.deployment) return window.primary;
  return null;
}

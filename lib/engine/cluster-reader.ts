import type { KubeConfig } from '@kubernetes/client-node';
import type { WorkloadsFactory } from '../cluster/workloads.js';
import { ConfigurationError } from '../errors.js';
import type { ResolvedTarget } from '../model/config.js';
import type { ClusterView } from '../model/observation.js';
import type { TrafficRouter } from '../router/traffic-router.js';

export type ViewResult =
  | { view: ClusterView; error?: undefined }
  | { view: null; error: { kind: 'unavailable' | 'configuration'; message: string } };

/** Reads the router's weights and both Deployments; classifies failures so the core can hold and say why. */
export async function readClusterView(
  router: TrafficRouter,
  workloadsFactory: WorkloadsFactory,
  kubeConfig: KubeConfig,
  target: ResolvedTarget,
): Promise<ViewResult> {
  try {
    const [weights, deployments] = await Promise.all([
      router.readWeights(),
      workloadsFactory(kubeConfig, target).read(),
    ]);
    return { view: { weights, ...deployments } };
  } catch (error) {
    return { view: null, error: classify(error) };
  }
}

export function classify(error: unknown): { kind: 'unavailable' | 'configuration'; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  return { kind: error instanceof ConfigurationError ? 'configuration' : 'unavailable', message };
}

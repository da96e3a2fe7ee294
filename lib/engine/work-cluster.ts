import type { Rollout } from '../model/rollout.js';
import { type AdvanceResult, advanceRollout } from './advance-rollout.js';
import type { ClusterEngineDeps } from './engine-deps.js';

/**
 * One cluster's rollouts, one after the other through one kubeconfig. Once `signal` aborts (the cluster's time
 * budget is spent) no further rollout is started; those left hold until the next tick.
 */
export async function workCluster(
  deps: ClusterEngineDeps,
  clusterName: string,
  rollouts: readonly Rollout[],
  signal: AbortSignal,
): Promise<AdvanceResult[]> {
  const cluster = deps.config.clusters[clusterName];
  if (!cluster) throw new Error(`cluster "${clusterName}" is no longer configured`);
  const kubeConfig = await deps.connector.kubeConfig(clusterName, cluster);
  const results: AdvanceResult[] = [];
  for (const rollout of rollouts) {
    if (signal.aborted) break;
    try {
      results.push(await advanceRollout(deps, rollout, kubeConfig, signal));
    } catch (e) {
      results.push({
        id: rollout.id,
        phase: rollout.phase,
        action: 'none',
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  return results;
}

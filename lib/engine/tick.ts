import { fanOutByCluster } from './cluster-fanout.js';
import type { TickSummary } from './engine.js';
import type { ClusterEngineDeps } from './engine-deps.js';
import { summarizeTick } from './tick-summary.js';
import { workCluster } from './work-cluster.js';

/**
 * Every active rollout in one invocation, clusters worked on concurrently with a per-cluster time budget. A
 * slow or unreachable cluster only delays its own rollouts, which hold (never roll back) until it answers. At
 * fleet scale the scheduled tick dispatches to cluster workers instead (`dispatchDue`, `runClusterWork`).
 */
export async function runTick(deps: ClusterEngineDeps): Promise<TickSummary> {
  const at = deps.clock();
  const active = await deps.store.listActive();
  const outcomes = await fanOutByCluster(
    active,
    (cluster, rollouts, signal) => workCluster(deps, cluster, rollouts, signal),
    {
      concurrency: deps.config.tick.clusterConcurrency,
      budgetMs: deps.config.tick.clusterBudgetMs,
      ...(deps.budgetTimer ? { budgetTimer: deps.budgetTimer } : {}),
    },
  );
  return summarizeTick(at, active, outcomes, deps.log);
}

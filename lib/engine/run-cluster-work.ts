import { resolveTarget } from '../config/config-lookup.js';
import { isTerminal } from '../model/rollout.js';
import type { ClusterWork } from '../queue/cluster-work.js';
import { fanOutByCluster } from './cluster-fanout.js';
import type { TickSummary } from './engine.js';
import type { ClusterEngineDeps } from './engine-deps.js';
import { publishAndRemember } from './publish.js';
import { summarizeTick } from './tick-summary.js';
import { workCluster } from './work-cluster.js';

/**
 * A cluster worker's message: re-read each named rollout (a consistent read: the index the tick queried lags),
 * keep those still active on this cluster whose check was due at the message's `dueAt`, and advance them within
 * the cluster's time budget. A message delivered again (a worker crashed mid-batch) finds the rollouts it
 * already advanced checked past `dueAt`, so no check is done twice; the rest are advanced then. Later checks
 * belong to later ticks' messages, which queue behind this one in the cluster's FIFO group.
 */
export async function runClusterWork(deps: ClusterEngineDeps, work: ClusterWork): Promise<TickSummary> {
  const at = deps.clock();
  const read = await Promise.all(work.rollouts.map((id) => deps.store.getRollout(id)));
  const due = read.filter(
    (r): r is NonNullable<typeof r> =>
      r !== null && r.cluster === work.cluster && !isTerminal(r.phase) && r.nextCheckAt <= work.dueAt,
  );
  // Finished rollouts whose last transition never reached their message (a crash in between): no cluster is
  // needed to publish them again; the same message is updated.
  for (const r of read) {
    if (r?.cluster !== work.cluster || !isTerminal(r.phase) || !r.publishPending) continue;
    const target = resolveTarget(deps.config, r.target);
    if (target) await publishAndRemember(deps, r, target);
  }
  if (due.length === 0) return { at, rollouts: [], clusters: [] };
  const outcomes = await fanOutByCluster(
    due,
    (cluster, rollouts, signal) => workCluster(deps, cluster, rollouts, signal),
    {
      concurrency: 1,
      budgetMs: deps.config.tick.clusterBudgetMs,
      ...(deps.budgetTimer ? { budgetTimer: deps.budgetTimer } : {}),
    },
  );
  return summarizeTick(at, due, outcomes, deps.log);
}

import { type ClusterWork, MAX_ROLLOUTS_PER_MESSAGE } from '../queue/cluster-work.js';
import type { WorkQueue } from '../queue/work-queue.js';
import type { RolloutStore } from '../store/rollout-store.js';
import type { FleetTickEntry } from './engine.js';
import type { EngineLog } from './engine-deps.js';

export interface DispatchDeps {
  store: Pick<RolloutStore, 'listDue'>;
  queue: WorkQueue;
  clock: () => number;
  log: EngineLog;
}

/** What one scheduled tick handed to the cluster workers. */
export interface DispatchSummary {
  at: number;
  /** Rollouts whose check was due. */
  due: number;
  /** Per cluster with work due: how many rollouts, in how many messages. */
  clusters: { name: string; rollouts: number; messages: number }[];
  /** Fleet rollouts the tick moved on before dispatching (absent when none is under way). */
  fleets?: FleetTickEntry[];
}

/**
 * The scheduled tick at fleet scale: read only the rollouts that are due (the `active` index is sorted by next
 * check time) and send one message per cluster with work due. The tick never reaches a cluster itself, so a slow
 * cluster delays only its own worker.
 */
export async function dispatchDue(deps: DispatchDeps): Promise<DispatchSummary> {
  const at = deps.clock();
  const due = await deps.store.listDue(at);
  const byCluster = new Map<string, string[]>();
  for (const rollout of due) {
    const ids = byCluster.get(rollout.cluster);
    if (ids) ids.push(rollout.id);
    else byCluster.set(rollout.cluster, [rollout.id]);
  }
  const work: ClusterWork[] = [];
  const clusters: DispatchSummary['clusters'] = [];
  for (const [cluster, ids] of byCluster) {
    let messages = 0;
    for (let i = 0; i < ids.length; i += MAX_ROLLOUTS_PER_MESSAGE) {
      work.push({ cluster, rollouts: ids.slice(i, i + MAX_ROLLOUTS_PER_MESSAGE), dueAt: at });
      messages++;
    }
    clusters.push({ name: cluster, rollouts: ids.length, messages });
  }
  if (work.length > 0) await deps.queue.send(work);
  deps.log('info', `tick: ${due.length} rollouts due on ${clusters.length} clusters`, {
    due: due.length,
    clusters: clusters.length,
  });
  return { at, due: due.length, clusters };
}

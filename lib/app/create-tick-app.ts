import { type DispatchSummary, dispatchDue } from '../engine/dispatch-due.js';
import type { FleetTickEntry } from '../engine/engine.js';
import type { EngineLog } from '../engine/engine-deps.js';
import type { WorkQueue } from '../queue/work-queue.js';
import type { RolloutStore } from '../store/rollout-store.js';

/** The scheduled tick's composition: the store's due index and the work queue, and the fleets' waves. */
export interface TickApp {
  dispatch(): Promise<DispatchSummary>;
  /**
   * Fleet rollouts one step on (a wave started, held or rolled back). Run before the dispatch, so the rollouts
   * of a wave it starts are judged by this tick's workers; it sees the waves as the previous tick's workers left
   * them. Absent when the composition has no fleets.
   */
  advanceFleets?(): Promise<FleetTickEntry[]>;
}

export function createTickApp(parts: {
  store: Pick<RolloutStore, 'listDue'>;
  queue: WorkQueue;
  clock?: () => number;
  log?: EngineLog;
  advanceFleets?: () => Promise<FleetTickEntry[]>;
}): TickApp {
  const deps = {
    store: parts.store,
    queue: parts.queue,
    clock: parts.clock ?? Date.now,
    log: parts.log ?? (() => {}),
  };
  return {
    dispatch: () => dispatchDue(deps),
    ...(parts.advanceFleets ? { advanceFleets: parts.advanceFleets } : {}),
  };
}

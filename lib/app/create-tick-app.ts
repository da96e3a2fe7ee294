import { type DispatchSummary, dispatchDue } from '../engine/dispatch-due.js';
import type { EngineLog } from '../engine/engine-deps.js';
import type { WorkQueue } from '../queue/work-queue.js';
import type { RolloutStore } from '../store/rollout-store.js';

/** The scheduled tick's composition: the store's due index and the work queue, nothing else. */
export interface TickApp {
  dispatch(): Promise<DispatchSummary>;
}

export function createTickApp(parts: {
  store: Pick<RolloutStore, 'listDue'>;
  queue: WorkQueue;
  clock?: () => number;
  log?: EngineLog;
}): TickApp {
  const deps = {
    store: parts.store,
    queue: parts.queue,
    clock: parts.clock ?? Date.now,
    log: parts.log ?? (() => {}),
  };
  return { dispatch: () => dispatchDue(deps) };
}

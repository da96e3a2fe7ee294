import type { Workloads } from '../cluster/workloads.js';
import type { Action } from '../model/action.js';
import type { TrafficRouter } from '../router/traffic-router.js';

/**
 * Runs the core's cluster actions in order (weights first, so no request is routed to a pod being scaled
 * away). `notify` is left to the caller, which owns the rollout's message reference.
 */
export async function runClusterActions(
  actions: Action[],
  router: TrafficRouter,
  workloads: Workloads,
  /** The cluster's tick budget: once it is spent no further write is started (the next tick converges). */
  signal?: AbortSignal,
  /** How the weights are written (a rollback's write is retried in the tick); once by default. */
  writeWeights: (write: () => Promise<void>) => Promise<void> = (write) => write(),
): Promise<void> {
  for (const action of actions) {
    signal?.throwIfAborted();
    switch (action.type) {
      case 'setWeights':
        await writeWeights(() => router.setWeights(action.weights));
        break;
      case 'prepareCanary':
        await workloads.prepareCanary({ image: action.image, replicas: action.replicas });
        break;
      case 'promote':
        await workloads.promote();
        break;
      case 'scaleCanary':
        await workloads.scaleCanary(action.replicas);
        break;
      case 'notify':
      case 'remindApproval':
        break;
    }
  }
}

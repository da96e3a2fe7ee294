import type { Action } from '../model/action.js';
import type { ClusterView } from '../model/observation.js';
import type { Rollout } from '../model/rollout.js';

/**
 * Level-triggered convergence: the actions that bring the cluster to what the stored rollout intends.
 * Computed from the intent and the view alone, so a crash between saving state and patching the cluster
 * is healed by the next tick, and running it twice does nothing the second time.
 */
export function converge(rollout: Rollout, view: ClusterView): Action[] {
  const actions: Action[] = [];
  const weight = intendedCanaryWeight(rollout);
  if (view.weights.canary !== weight) {
    actions.push({ type: 'setWeights', weights: { primary: 100 - weight, canary: weight } });
  }
  switch (rollout.phase) {
    case 'pending':
    case 'progressing':
    case 'awaiting_approval': {
      if (canaryNeedsPreparing(rollout, view)) {
        const replicas = Math.max(1, view.canary.replicas, view.primary.replicas);
        actions.push({ type: 'prepareCanary', image: rollout.image, replicas });
      }
      break;
    }
    case 'promoting':
      if (view.canary.podSpecHash !== null && view.primary.podSpecHash !== view.canary.podSpecHash) {
        actions.push({ type: 'promote' });
      }
      if (weight === 0 && view.weights.canary === 0 && view.canary.replicas > 0) {
        actions.push({ type: 'scaleCanary', replicas: 0 });
      }
      break;
    case 'rolling_back':
    case 'failed':
    case 'superseded':
    case 'succeeded':
      // Scale down only once no traffic is routed to the canary, so no request hits a terminating pod.
      if (view.weights.canary === 0 && view.canary.replicas > 0) {
        actions.push({ type: 'scaleCanary', replicas: 0 });
      }
      break;
    case 'paused':
      break;
  }
  return actions;
}

/**
 * The canary runs the wrong image or no pods (someone scaled it to zero): convergence prepares it again, and
 * the window just read did not measure the canary the rollout intends, so it must not be judged.
 */
export function canaryNeedsPreparing(rollout: Rollout, view: ClusterView): boolean {
  const wrongImage = rollout.image !== null && view.canary.image !== rollout.image;
  return view.canary.exists && (wrongImage || view.canary.replicas === 0);
}

export function intendedCanaryWeight(rollout: Rollout): number {
  switch (rollout.phase) {
    case 'rolling_back':
    case 'failed':
    case 'superseded':
    case 'succeeded':
      return 0;
    default:
      return rollout.canaryWeight;
  }
}

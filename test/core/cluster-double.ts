import type { Action } from '../../lib/model/action.js';
import type { ClusterView } from '../../lib/model/observation.js';

/** Applies the core's actions to a view the way a cooperative cluster would (instantly). */
export function applyActions(view: ClusterView, actions: Action[]): ClusterView {
  let next = structuredClone(view);
  for (const action of actions) {
    switch (action.type) {
      case 'setWeights':
        next = { ...next, weights: { ...action.weights } };
        break;
      case 'prepareCanary':
        next.canary = {
          ...next.canary,
          image: action.image ?? next.canary.image,
          replicas: action.replicas,
          readyReplicas: action.replicas,
          availableReplicas: action.replicas,
          updatedReplicas: action.replicas,
          available: true,
        };
        break;
      case 'promote':
        next.primary = { ...next.primary, podSpecHash: next.canary.podSpecHash, image: next.canary.image };
        break;
      case 'scaleCanary':
        next.canary = {
          ...next.canary,
          replicas: action.replicas,
          readyReplicas: action.replicas,
          availableReplicas: action.replicas,
          updatedReplicas: action.replicas,
          available: action.replicas > 0,
        };
        break;
      case 'notify':
        break;
    }
  }
  return next;
}

import type { Weights } from './observation.js';

/** Effects the core asks for; the engine runs them against the cluster and the notifier. */
export type Action =
  | { type: 'setWeights'; weights: Weights }
  | { type: 'prepareCanary'; image: string | null; replicas: number }
  | { type: 'promote' }
  | { type: 'scaleCanary'; replicas: number }
  | { type: 'notify' }
  /** Remind the approvers of the pending approval (in the rollout message's thread). */
  | { type: 'remindApproval' };

import type { KubeConfig } from '@kubernetes/client-node';
import type { ResolvedTarget } from '../model/config.js';
import type { Weights } from '../model/observation.js';

/** Moves traffic between a target's primary and canary backends. One file per provider in this folder. */
export interface TrafficRouter {
  /** Current weights as percentages (normalised so primary + canary = 100). */
  readWeights(): Promise<Weights>;
  /** Writes the two backends' weights (integers); retries a 409 after a fresh read. */
  setWeights(weights: Weights): Promise<void>;
}

export type TrafficRouterFactory = (kubeConfig: KubeConfig, target: ResolvedTarget) => TrafficRouter;

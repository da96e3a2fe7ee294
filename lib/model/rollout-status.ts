import type { ActiveFreeze } from './freeze.js';
import type { Decision, Rollout } from './rollout.js';

/**
 * A rollout as people and scripts see it (API, CLI, Slack, UI). A model type, not the engine's: the Slack
 * texts and the pages render it without depending on the engine that builds it.
 */
export interface RolloutStatus {
  id: string;
  target: string;
  cluster: string;
  revision: string;
  image: string | null;
  source: Rollout['source'];
  phase: Rollout['phase'];
  canaryWeight: number;
  /** The router's weights as the last tick read them (null before the first read): the split actually in force. */
  observedWeights?: Rollout['observedWeights'];
  stepIndex: number;
  steps: number[];
  createdAt: string;
  updatedAt: string;
  approval: Rollout['approval'];
  reason: string | null;
  lastDecision: Decision | null;
  history: Decision[];
  /** Freezes in force for the target now, whether or not they hold this rollout. */
  freezes?: ActiveFreeze[];
  /** The freezes holding this rollout back, since when. */
  freeze?: Rollout['freeze'];
  freezeOverride?: Rollout['freezeOverride'];
  /** The fleet rollout (and wave) this rollout belongs to. */
  fleet?: Rollout['fleet'];
}

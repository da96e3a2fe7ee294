import type { FleetDecision, FleetRollout } from './fleet-rollout.js';
import type { ActiveFreeze, FreezeOverride } from './freeze.js';
import type { Rollout } from './rollout.js';

/** A fleet rollout as people and scripts see it: its waves with their rollouts, freezes, decisions. */
export interface FleetRolloutStatus {
  kind: 'fleet';
  id: string;
  fleet: string;
  revision: string;
  image: string | null;
  phase: FleetRollout['phase'];
  /** 1-based wave the fleet rollout is at. */
  wave: number;
  waves: {
    wave: number;
    status: FleetRollout['waves'][number]['status'];
    targets: {
      target: string;
      rollout: string | null;
      phase: Rollout['phase'] | null;
      canaryWeight: number | null;
      /** Freezes in force for the target now. */
      freezes: ActiveFreeze[];
    }[];
    bakeSeconds: number;
    bakeUntil: string | null;
    approval: boolean;
    approvedBy: FleetRollout['waves'][number]['approvedBy'];
    startedAt: string | null;
    promotedAt: string | null;
  }[];
  createdAt: string;
  updatedAt: string;
  reason: string | null;
  freezeOverride: FreezeOverride | null;
  lastDecision: FleetDecision | null;
  history: FleetDecision[];
}

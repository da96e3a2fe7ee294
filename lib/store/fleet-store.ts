import type { FleetDecision, FleetRollout } from '../model/fleet-rollout.js';

/** Per-fleet pointer, like a target's head: the fleet rollout under way, the latest one, the id sequence. */
export interface FleetHead {
  fleet: string;
  activeRolloutId: string | null;
  latestRolloutId: string | null;
  latestRevision: string | null;
  /** Number of fleet rollouts ever created for the fleet; ids are `<fleet>-<seq>`. */
  seq: number;
  version: number;
}

/**
 * Fleet rollouts, their decisions and the per-fleet head, in the rollouts' table. Every write is conditional;
 * a lost race raises ConflictError and changes nothing.
 */
export interface FleetStore {
  getFleetRollout(id: string): Promise<FleetRollout | null>;
  getFleetHead(fleet: string): Promise<FleetHead | null>;
  /** The fleet rollout a delivery started, if it was seen before. */
  findFleetDelivery(delivery: string): Promise<string | null>;
  /**
   * In one transaction: puts `fleetRollout` (must not exist), moves the head (at `head.version`, or absent) to
   * it, writes `superseded` (conditional on its previous version), records `delivery` (must be new) and appends
   * `decisions` (a `supersede` decision to the superseded fleet rollout's history).
   */
  createFleetRollout(input: {
    fleetRollout: FleetRollout;
    head: FleetHead | null;
    superseded?: FleetRollout;
    decisions: FleetDecision[];
    delivery?: string;
  }): Promise<void>;
  /** Conditional on the stored version being `version - 1`; clears the head's active pointer when it ended. */
  saveFleetRollout(fleetRollout: FleetRollout, decision?: FleetDecision): Promise<void>;
  /** Fleet rollouts not in a terminal phase. */
  listActiveFleetRollouts(): Promise<FleetRollout[]>;
  /** Newest first. */
  listFleetRollouts(options?: { fleet?: string; limit?: number }): Promise<FleetRollout[]>;
  /** Oldest first. */
  listFleetDecisions(id: string): Promise<FleetDecision[]>;
}

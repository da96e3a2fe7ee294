import type { FleetDecision, FleetRollout } from '../model/fleet-rollout.js';

export type FleetDecisionFields = Pick<FleetDecision, 'action' | 'rule' | 'reason'> &
  Partial<Pick<FleetDecision, 'actor' | 'wave'>>;

/** The one way the fleet core changes a fleet rollout: patch, bump the version, record the decision. */
export function fleetTransition(
  fleet: FleetRollout,
  now: number,
  patch: Partial<FleetRollout>,
  fields: FleetDecisionFields,
): { fleet: FleetRollout; decision: FleetDecision } {
  const next: FleetRollout = { ...fleet, ...patch, version: fleet.version + 1, updatedAt: now };
  const decision: FleetDecision = {
    at: now,
    fromPhase: fleet.phase,
    toPhase: next.phase,
    wave: fleet.waveIndex + 1,
    ...fields,
  };
  next.lastDecision = decision;
  return { fleet: next, decision };
}

/** A copy of the waves with wave `index` patched. */
export function withWave(
  fleet: FleetRollout,
  index: number,
  patch: Partial<FleetRollout['waves'][number]>,
): FleetRollout['waves'] {
  return fleet.waves.map((wave, i) => (i === index ? { ...wave, ...patch } : wave));
}

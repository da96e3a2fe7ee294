import type { FleetMember, FleetRollout } from '../model/fleet-rollout.js';
import { isTerminal } from '../model/rollout.js';

/** Ids of the fleet's rollouts (starts and reverts) that have not ended, in wave order. */
export function activeMemberIds(fleet: FleetRollout, members: readonly FleetMember[]): string[] {
  const byId = new Map(members.map((m) => [m.id, m]));
  return fleet.waves
    .flatMap((w) => [...Object.values(w.rollouts), ...Object.values(w.reverts)])
    .filter((id) => {
      const member = byId.get(id);
      return member !== undefined && !isTerminal(member.phase);
    });
}

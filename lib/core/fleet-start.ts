import type { ResolvedFleet } from '../model/fleet.js';
import type { FleetAction } from '../model/fleet-action.js';
import type { FleetDecision, FleetMember, FleetRollout, WaveState } from '../model/fleet-rollout.js';
import type { Rollout } from '../model/rollout.js';
import { activeMemberIds } from './fleet-members.js';
import { fleetTransition } from './fleet-transition.js';

export interface NewFleetRolloutInput {
  id: string;
  fleet: ResolvedFleet;
  revision: string;
  image: string | null;
  source: Rollout['source'];
  now: number;
}

/**
 * A fleet rollout at wave 1, with the waves copied from the configuration. Wave 1 is started (or asks for its
 * approval) by the first `advanceFleet`, so starting and re-starting after a crash are the same code.
 */
export function newFleetRollout(input: NewFleetRolloutInput): {
  fleet: FleetRollout;
  decision: FleetDecision;
} {
  const { now } = input;
  const who = input.source.actor ? ` by ${input.source.actor}` : '';
  const decision: FleetDecision = {
    at: now,
    fromPhase: 'progressing',
    toPhase: 'progressing',
    wave: 1,
    action: 'start',
    rule: 'deploy_event',
    reason: `revision ${input.revision} announced${who} (${input.source.kind}) for fleet ${input.fleet.name}: ${input.fleet.waves.length} waves`,
    ...(input.source.actor ? { actor: input.source.actor } : {}),
  };
  const waves: WaveState[] = input.fleet.waves.map((wave) => ({
    targets: [...wave.targets],
    bakeSeconds: wave.bakeSeconds,
    approval: wave.approval,
    status: 'waiting',
    rollouts: {},
    previous: {},
    reverts: {},
    approvalRequestedAt: null,
    approvedBy: null,
    startedAt: null,
    promotedAt: null,
  }));
  const fleet: FleetRollout = {
    kind: 'fleet',
    id: input.id,
    fleet: input.fleet.name,
    revision: input.revision,
    image: input.image,
    source: input.source,
    phase: 'progressing',
    waveIndex: 0,
    waves,
    rollbackPromotedWaves: input.fleet.rollbackPromotedWaves,
    version: 1,
    createdAt: now,
    updatedAt: now,
    reason: null,
    lastDecision: decision,
    slack: null,
    freezeOverride: null,
  };
  return { fleet, decision };
}

/**
 * A newer revision of the fleet replaces this fleet rollout as a whole: waves not started never will be, and its
 * rollouts still under way are aborted (the newer fleet rollout takes each target in its turn).
 */
export function supersedeFleet(
  fleet: FleetRollout,
  byId: string,
  members: readonly FleetMember[],
  now: number,
): { fleet: FleetRollout; decision: FleetDecision; actions: FleetAction[] } {
  const reason = `superseded by ${byId}`;
  const step = fleetTransition(
    fleet,
    now,
    {
      phase: 'superseded',
      reason,
      waves: fleet.waves.map((w) =>
        w.status === 'waiting' || w.status === 'awaiting_approval' ? { ...w, status: 'skipped' } : w,
      ),
    },
    { action: 'supersede', rule: 'newer_revision', reason },
  );
  const actions: FleetAction[] = activeMemberIds(fleet, members).map((rolloutId) => ({
    type: 'abortRollout',
    rolloutId,
    reason,
  }));
  return { ...step, actions: [...actions, { type: 'notify' }] };
}

import type { FleetAction } from '../model/fleet-action.js';
import type { FleetDecision, FleetMember, FleetRollout, WaveState } from '../model/fleet-rollout.js';
import { isFleetTerminal } from '../model/fleet-rollout.js';
import { isTerminal } from '../model/rollout.js';
import { activeMemberIds } from './fleet-members.js';
import { fleetTransition, withWave } from './fleet-transition.js';

export interface AdvanceFleetInput {
  fleet: FleetRollout;
  /** The member rollouts the store holds (starts and reverts); a started target missing here is not known yet. */
  members: readonly FleetMember[];
  now: number;
}

export interface AdvanceFleetOutput {
  /** The next state; `version` is bumped only when something changed (then it must be saved). */
  fleet: FleetRollout;
  decision: FleetDecision | null;
  actions: FleetAction[];
}

type Step = { fleet: FleetRollout; decision: FleetDecision | null; actions: FleetAction[] };

/**
 * One tick of one fleet rollout: from its state, its members' phases and the time, the next state and what to
 * do. A wave starts only once every rollout of the wave before succeeded, that wave's bake time passed, and its
 * own approval (when it asks for one) was given. The first failed rollout stops the fleet rollout: its siblings
 * still under way are aborted, later waves never start, and promoted waves stay (or are rolled back to what
 * they ran before when `rollbackPromotedWaves`). Level-triggered: a target of a running wave without a rollout
 * yet is asked for again on every tick, and starting is idempotent.
 */
export function advanceFleet({ fleet, members, now }: AdvanceFleetInput): AdvanceFleetOutput {
  if (isFleetTerminal(fleet.phase)) return { fleet, decision: null, actions: [] };
  const byId = new Map(members.map((m) => [m.id, m]));
  if (fleet.phase === 'rolling_back') return reverting(fleet, byId, now);
  const index = fleet.waveIndex;
  const wave = fleet.waves[index];
  if (!wave) return { fleet, decision: null, actions: [] };
  switch (wave.status) {
    case 'waiting':
      return enterWave(fleet, index, now, { reason: 'fleet rollout started' });
    case 'running':
      return running(fleet, index, wave, byId, now);
    case 'baking':
      return baking(fleet, index, wave, now);
    default:
      // awaiting_approval: an approver's command moves it; nothing else does.
      return { fleet, decision: null, actions: [] };
  }
}

const startActions = (wave: WaveState, index: number): FleetAction[] =>
  wave.targets
    .filter((t) => wave.rollouts[t] === undefined)
    .map((target) => ({ type: 'startRollout', wave: index + 1, target }));

/** Wave `index` is reached: ask for its approval, or start it. */
export function enterWave(
  fleet: FleetRollout,
  index: number,
  now: number,
  why: { reason: string; approvedBy?: WaveState['approvedBy'] },
): Step {
  const wave = fleet.waves[index];
  if (!wave) return { fleet, decision: null, actions: [] };
  const base = { ...fleet, waveIndex: index };
  const targets = wave.targets.join(', ');
  if (wave.approval && !why.approvedBy) {
    const step = fleetTransition(
      base,
      now,
      {
        phase: 'awaiting_approval',
        waves: withWave(base, index, { status: 'awaiting_approval', approvalRequestedAt: now }),
      },
      {
        action: 'request_approval',
        rule: 'wave_approval',
        reason: `${why.reason}; approval requested to start wave ${index + 1} (${targets})`,
        wave: index + 1,
      },
    );
    return { ...step, actions: [{ type: 'notify' }] };
  }
  const started: WaveState = {
    ...wave,
    status: 'running',
    startedAt: now,
    approvedBy: why.approvedBy ?? null,
  };
  const step = fleetTransition(
    base,
    now,
    { phase: 'progressing', waves: withWave(base, index, started) },
    {
      action: why.approvedBy ? 'approve' : 'start_wave',
      rule: why.approvedBy ? 'approved' : 'wave_started',
      reason: `${why.reason}; wave ${index + 1} starts: ${targets}`,
      wave: index + 1,
      ...(why.approvedBy ? { actor: why.approvedBy.actor } : {}),
    },
  );
  return { ...step, actions: [...startActions(started, index), { type: 'notify' }] };
}

function running(
  fleet: FleetRollout,
  index: number,
  wave: WaveState,
  byId: ReadonlyMap<string, FleetMember>,
  now: number,
): Step {
  const known = wave.targets.map((target) => {
    const id = wave.rollouts[target];
    return { target, id, member: id === undefined ? undefined : byId.get(id) };
  });
  const failed = known.find((k) => k.member && ['failed', 'superseded'].includes(k.member.phase));
  if (failed?.member) return stop(fleet, index, failed.member, byId, now);
  const missing = startActions(wave, index);
  if (missing.length > 0 || known.some((k) => k.member?.phase !== 'succeeded')) {
    return { fleet, decision: null, actions: missing };
  }
  const promoted: WaveState = { ...wave, status: 'baking', promotedAt: now };
  const base = { ...fleet, waves: withWave(fleet, index, promoted) };
  if (wave.bakeSeconds > 0) {
    const step = fleetTransition(
      fleet,
      now,
      { waves: base.waves },
      {
        action: 'bake',
        rule: 'wave_promoted',
        reason: `every rollout of wave ${index + 1} succeeded; baking ${wave.bakeSeconds}s before the next wave`,
        wave: index + 1,
      },
    );
    return { ...step, actions: [{ type: 'notify' }] };
  }
  return afterWave(base, index, now, `every rollout of wave ${index + 1} succeeded`);
}

function baking(fleet: FleetRollout, index: number, wave: WaveState, now: number): Step {
  const until = (wave.promotedAt ?? now) + wave.bakeSeconds * 1000;
  if (now < until) return { fleet, decision: null, actions: [] };
  return afterWave(fleet, index, now, `wave ${index + 1} baked ${wave.bakeSeconds}s`);
}

/** Wave `index` succeeded and baked: the next wave, or the end. */
function afterWave(fleet: FleetRollout, index: number, now: number, reason: string): Step {
  const done = { ...fleet, waves: withWave(fleet, index, { status: 'succeeded' }) };
  if (index + 1 < fleet.waves.length) return enterWave(done, index + 1, now, { reason });
  const step = fleetTransition(
    fleet,
    now,
    { phase: 'succeeded', waves: done.waves, reason: 'every wave promoted' },
    {
      action: 'complete',
      rule: 'fleet_promoted',
      reason: `${reason}; revision ${fleet.revision} promoted on all ${fleet.waves.length} waves`,
      wave: index + 1,
    },
  );
  return { ...step, actions: [{ type: 'notify' }] };
}

/**
 * A rollout of wave `index` failed. Later waves are skipped, siblings still under way aborted; with
 * rollbackPromotedWaves, every earlier wave goes back to what its targets ran before.
 */
function stop(
  fleet: FleetRollout,
  index: number,
  member: FleetMember,
  byId: ReadonlyMap<string, FleetMember>,
  now: number,
): Step {
  const why = `${member.id} on ${member.target} ${member.phase}${member.reason ? ` (${member.reason})` : ''}`;
  const waves = fleet.waves.map((w, i): WaveState => {
    if (i === index) return { ...w, status: 'failed' };
    if (i > index) return { ...w, status: 'skipped' };
    return w;
  });
  const aborts: FleetAction[] = activeMemberIds(fleet, [...byId.values()]).map((rolloutId) => ({
    type: 'abortRollout',
    rolloutId,
    reason: `fleet rollout ${fleet.id} stopped: ${why}`,
  }));
  const promoted = fleet.rollbackPromotedWaves
    ? waves.flatMap((w, i) => (i < index && ['succeeded', 'baking'].includes(w.status) ? [i] : []))
    : [];
  const rest = fleet.waves.length - index - 1;
  const later =
    rest === 0
      ? ''
      : rest === 1
        ? `; wave ${index + 2} will not start`
        : `; waves ${index + 2}–${fleet.waves.length} will not start`;
  if (promoted.length === 0) {
    const kept = index > 0 ? '; promoted waves stay as they are' : '';
    const step = fleetTransition(
      fleet,
      now,
      { phase: 'failed', waves, reason: why },
      { action: 'stop', rule: 'rollout_failed', reason: `${why}${later}${kept}`, wave: index + 1 },
    );
    return { ...step, actions: [...aborts, { type: 'notify' }] };
  }
  for (const i of promoted) waves[i] = { ...(waves[i] as WaveState), status: 'reverting' };
  const reverting = { ...fleet, waves };
  const step = fleetTransition(
    fleet,
    now,
    { phase: 'rolling_back', waves, reason: why },
    {
      action: 'revert',
      rule: 'rollback_promoted_waves',
      reason: `${why}${later}; rolling back waves ${promoted.map((i) => i + 1).join(', ')} to their previous revisions`,
      wave: index + 1,
    },
  );
  return { ...step, actions: [...aborts, ...revertActions(reverting), { type: 'notify' }] };
}

function revertActions(fleet: FleetRollout): FleetAction[] {
  return fleet.waves.flatMap((w, i) =>
    w.status !== 'reverting'
      ? []
      : w.targets.flatMap((target): FleetAction[] => {
          const previous = w.previous[target];
          if (!previous || w.reverts[target] !== undefined) return [];
          return [
            { type: 'revertTarget', wave: i + 1, target, revision: previous.revision, image: previous.image },
          ];
        }),
  );
}

/** Rolling back promoted waves: done when every revert rollout has ended (targets with nothing to go back to are left). */
function reverting(fleet: FleetRollout, byId: ReadonlyMap<string, FleetMember>, now: number): Step {
  const pending = revertActions(fleet);
  if (pending.length > 0) return { fleet, decision: null, actions: pending };
  const waves = fleet.waves.map((w): WaveState => {
    if (w.status !== 'reverting') return w;
    const ended = Object.values(w.reverts).every((id) => {
      const member = byId.get(id);
      return member !== undefined && isTerminal(member.phase);
    });
    return ended ? { ...w, status: 'reverted' } : w;
  });
  if (waves.some((w) => w.status === 'reverting')) {
    const changed = waves.some((w, i) => w.status !== fleet.waves[i]?.status);
    return changed
      ? {
          fleet: { ...fleet, waves, version: fleet.version + 1, updatedAt: now },
          decision: null,
          actions: [],
        }
      : { fleet, decision: null, actions: [] };
  }
  const outcomes = fleet.waves.flatMap((w) =>
    Object.entries(w.reverts).map(([target, id]) => `${target} ${byId.get(id)?.phase ?? 'unknown'}`),
  );
  const step = fleetTransition(
    fleet,
    now,
    { phase: 'failed', waves },
    {
      action: 'complete',
      rule: 'promoted_waves_rolled_back',
      reason: `promoted waves rolled back (${outcomes.join(', ') || 'nothing to roll back'}); stopped because ${fleet.reason ?? 'a rollout failed'}`,
    },
  );
  return { ...step, actions: [{ type: 'notify' }] };
}

/**
 * Records the rollout the engine started for `target` of wave `wave` (1-based), and what it ran before. The
 * version is left alone: the engine records every start of a step, then saves them in one write.
 */
export function recordMember(
  fleet: FleetRollout,
  wave: number,
  target: string,
  rolloutId: string,
  previous: WaveState['previous'][string],
  now: number,
  as: 'rollouts' | 'reverts' = 'rollouts',
): FleetRollout {
  const state = fleet.waves[wave - 1];
  if (!state || state[as][target] === rolloutId) return fleet;
  const patch: Partial<WaveState> =
    as === 'rollouts'
      ? {
          rollouts: { ...state.rollouts, [target]: rolloutId },
          previous: { ...state.previous, [target]: previous },
        }
      : { reverts: { ...state.reverts, [target]: rolloutId } };
  return { ...fleet, waves: withWave(fleet, wave - 1, patch), updatedAt: now };
}

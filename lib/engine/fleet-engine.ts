import { fleetApprovers, resolveFleet, resolveTarget } from '../config/config-lookup.js';
import { activeFreezes } from '../core/active-freezes.js';
import { advanceFleet, recordMember } from '../core/fleet-advance.js';
import { applyFleetCommand } from '../core/fleet-commands.js';
import { newFleetRollout, supersedeFleet } from '../core/fleet-start.js';
import { ConflictError } from '../errors.js';
import type { ResolvedFleet } from '../model/fleet.js';
import type { FleetAction } from '../model/fleet-action.js';
import type { FleetDecision, FleetMember, FleetRollout, PreviousRelease } from '../model/fleet-rollout.js';
import type { FleetRolloutStatus } from '../model/fleet-status.js';
import type { Command } from '../model/rollout.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { CommandResult, FleetTickEntry, StartInput, StartResult } from './engine.js';
import type { EngineDeps } from './engine-deps.js';

/** What the fleet engine needs of the rollout engine: starting rollouts and commanding them as the system. */
export interface RolloutHooks {
  startRollout(input: StartInput): Promise<StartResult>;
  /** A command on a rollout on the fleet's behalf (not subject to the target's approvers). */
  systemCommand(rolloutId: string, command: Command): Promise<CommandResult>;
}

export type { FleetTickEntry };

const ATTEMPTS = 4;
/** The actor recorded when the fleet acts on its rollouts. */
const fleetActor = (fleet: FleetRollout): string => `aviary:fleet/${fleet.id}`;

function fleetsOf(deps: EngineDeps): FleetStore | null {
  return deps.fleets ?? null;
}

/** A deploy event named a fleet: record the fleet rollout (superseding the one under way) and start wave 1. */
export async function startFleet(
  deps: EngineDeps,
  hooks: RolloutHooks,
  fleet: ResolvedFleet,
  input: StartInput,
): Promise<StartResult> {
  const store = fleetsOf(deps);
  if (!store) return { ok: false, status: 501, error: 'fleet rollouts are not available in this deployment' };
  const delivery = input.source.deliveryId ? `${input.source.kind}:${input.source.deliveryId}` : undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (delivery) {
      const seen = await store.findFleetDelivery(delivery);
      const existing = seen ? await store.getFleetRollout(seen) : null;
      if (existing) return { ok: true, fleet: existing, created: false };
    }
    const head = await store.getFleetHead(fleet.name);
    if (head?.latestRevision === input.revision && head.latestRolloutId) {
      const existing = await store.getFleetRollout(head.latestRolloutId);
      if (existing && input.image && existing.image && input.image !== existing.image) {
        return {
          ok: false,
          status: 409,
          error: `revision ${input.revision} of fleet ${fleet.name} was announced with image ${existing.image} (${existing.id}), not ${input.image}; announce a new revision`,
        };
      }
      if (existing) return { ok: true, fleet: existing, created: false };
    }
    const now = deps.clock();
    const id = `${fleet.name}-${(head?.seq ?? 0) + 1}`;
    const active = head?.activeRolloutId ? await store.getFleetRollout(head.activeRolloutId) : null;
    const replaced = active ? supersedeFleet(active, id, await membersOf(deps, active), now) : null;
    const created = newFleetRollout({
      id,
      fleet,
      revision: input.revision,
      image: input.image ?? null,
      source: input.source,
      now,
    });
    try {
      await store.createFleetRollout({
        fleetRollout: created.fleet,
        head,
        ...(replaced ? { superseded: replaced.fleet } : {}),
        decisions: replaced ? [replaced.decision, created.decision] : [created.decision],
        ...(delivery ? { delivery } : {}),
      });
    } catch (e) {
      if (e instanceof ConflictError) continue;
      throw e;
    }
    deps.log('info', `${id} started: fleet ${fleet.name} → ${input.revision}`, {
      fleetRollout: id,
      superseded: replaced?.fleet.id,
    });
    if (replaced) await runFleetActions(deps, hooks, replaced.fleet, replaced.actions);
    // Wave 1 starts now rather than at the next tick: the answer already names its rollouts.
    const advanced = await advanceOne(deps, hooks, created.fleet);
    return {
      ok: true,
      fleet: advanced.fleet,
      created: true,
      ...(replaced ? { superseded: replaced.fleet.id } : {}),
    };
  }
  return { ok: false, status: 409, error: `fleet ${fleet.name} changed concurrently; try again` };
}

/** The tick's part for fleets: every fleet rollout under way, after its members were advanced. */
export async function advanceFleets(deps: EngineDeps, hooks: RolloutHooks): Promise<FleetTickEntry[]> {
  const store = fleetsOf(deps);
  if (!store) return [];
  const active = await store.listActiveFleetRollouts();
  const out: FleetTickEntry[] = [];
  for (const fleet of active) {
    try {
      const { fleet: next, decision, error } = await advanceOne(deps, hooks, fleet);
      out.push({
        id: fleet.id,
        phase: next.phase,
        action: decision?.action ?? 'none',
        ...(error ? { error } : {}),
      });
    } catch (e) {
      out.push({
        id: fleet.id,
        phase: fleet.phase,
        action: 'none',
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  return out;
}

/** What the fleet core sees of the member rollouts: every rollout a wave started or reverted with. */
async function membersOf(deps: EngineDeps, fleet: FleetRollout): Promise<FleetMember[]> {
  const ids = fleet.waves.flatMap((w) => [...Object.values(w.rollouts), ...Object.values(w.reverts)]);
  const rollouts = await Promise.all(ids.map((id) => deps.store.getRollout(id)));
  return rollouts.flatMap((r) =>
    r ? [{ id: r.id, target: r.target, phase: r.phase, reason: r.reason }] : [],
  );
}

/**
 * One fleet rollout, one step: read its members, let the core decide, save (conditional on the version), then
 * run the actions and save what they recorded (the ids of the rollouts started).
 */
async function advanceOne(
  deps: EngineDeps,
  hooks: RolloutHooks,
  fleet: FleetRollout,
): Promise<{ fleet: FleetRollout; decision: FleetDecision | null; error?: string }> {
  const store = fleetsOf(deps) as FleetStore;
  const out = advanceFleet({ fleet, members: await membersOf(deps, fleet), now: deps.clock() });
  if (out.fleet.version !== fleet.version) {
    try {
      await store.saveFleetRollout(out.fleet, out.decision ?? undefined);
    } catch (e) {
      if (e instanceof ConflictError)
        return { fleet, decision: null, error: 'conflict: changed concurrently' };
      throw e;
    }
  }
  if (out.decision) {
    deps.log('info', `${fleet.id} ${out.decision.action}: ${out.decision.reason}`, {
      fleetRollout: fleet.id,
      phase: out.fleet.phase,
      rule: out.decision.rule,
    });
  }
  const current = await runFleetActions(deps, hooks, out.fleet, out.actions);
  return { fleet: current, decision: out.decision };
}

/** Runs the fleet core's actions; returns the fleet rollout as saved afterwards (with the rollouts it started). */
async function runFleetActions(
  deps: EngineDeps,
  hooks: RolloutHooks,
  fleet: FleetRollout,
  actions: readonly FleetAction[],
): Promise<FleetRollout> {
  const store = fleetsOf(deps) as FleetStore;
  let current = fleet;
  let notify = false;
  for (const action of actions) {
    try {
      switch (action.type) {
        case 'startRollout': {
          const previous = fleet.rollbackPromotedWaves ? await previousRelease(deps, action.target) : null;
          const result = await hooks.startRollout({
            target: action.target,
            revision: fleet.revision,
            image: fleet.image,
            source: { ...fleet.source, deliveryId: `fleet:${fleet.id}:${action.target}` },
            fleet: { id: fleet.id, wave: action.wave },
            ...(fleet.freezeOverride ? { freezeOverride: fleet.freezeOverride } : {}),
          });
          if (result.ok && result.rollout) {
            current = recordMember(
              current,
              action.wave,
              action.target,
              result.rollout.id,
              previous,
              deps.clock(),
            );
          } else if (!result.ok) {
            deps.log('warn', `${fleet.id}: cannot start ${action.target}: ${result.error}`, {
              fleetRollout: fleet.id,
            });
          }
          break;
        }
        case 'revertTarget': {
          const result = await hooks.startRollout({
            target: action.target,
            revision: action.revision,
            image: action.image,
            source: {
              kind: fleet.source.kind,
              deliveryId: `fleet:${fleet.id}:revert:${action.target}`,
              actor: fleetActor(fleet),
            },
            fleet: { id: fleet.id, wave: action.wave },
            // Rollbacks are never frozen.
            freezeOverride: {
              actor: fleetActor(fleet),
              reason: `rollback of a promoted wave: ${fleet.reason ?? 'a later wave failed'}`,
              at: deps.clock(),
            },
          });
          if (result.ok && result.rollout) {
            current = recordMember(
              current,
              action.wave,
              action.target,
              result.rollout.id,
              null,
              deps.clock(),
              'reverts',
            );
          } else if (!result.ok) {
            deps.log('warn', `${fleet.id}: cannot roll back ${action.target}: ${result.error}`, {
              fleetRollout: fleet.id,
            });
          }
          break;
        }
        case 'abortRollout': {
          const result = await hooks.systemCommand(action.rolloutId, {
            kind: 'abort',
            actor: fleetActor(fleet),
            reason: action.reason.slice(0, 500),
          });
          if (!result.ok && result.status !== 409) {
            deps.log('warn', `${fleet.id}: cannot abort ${action.rolloutId}: ${result.error}`, {
              fleetRollout: fleet.id,
            });
          }
          break;
        }
        case 'unfreezeRollout': {
          await hooks.systemCommand(action.rolloutId, {
            kind: 'unfreeze',
            actor: action.actor,
            reason: action.reason,
          });
          break;
        }
        case 'notify':
          notify = true;
          break;
      }
    } catch (e) {
      deps.log('warn', `${fleet.id}: ${action.type} failed; the next tick tries again`, {
        fleetRollout: fleet.id,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  if (current !== fleet) {
    current = { ...current, version: fleet.version + 1 };
    try {
      await store.saveFleetRollout(current);
    } catch (e) {
      // The rollouts started are found again (by their delivery id) and recorded by the next tick.
      if (!(e instanceof ConflictError)) throw e;
      return fleet;
    }
  }
  if (notify || current !== fleet) current = await publishFleet(deps, current);
  return current;
}

/** The revision and image `target` last promoted, for rollbackPromotedWaves. */
async function previousRelease(deps: EngineDeps, target: string): Promise<PreviousRelease | null> {
  const recent = await deps.store.listRollouts({ target, limit: 20 });
  const last = recent.find((r) => r.phase === 'succeeded');
  return last ? { revision: last.revision, image: last.image } : null;
}

/** Publishes the fleet's one message and remembers where it lives; notification failures never stop a fleet. */
async function publishFleet(deps: EngineDeps, fleet: FleetRollout): Promise<FleetRollout> {
  if (!deps.notifier.publishFleet) return fleet;
  try {
    const status = await toFleetStatus(deps, fleet, []);
    const definition = resolveFleet(deps.config, fleet.fleet);
    const first = fleet.waves[0]?.targets[0];
    const channel =
      definition?.slackChannel ?? (first ? resolveTarget(deps.config, first)?.slackChannel : undefined);
    const ref = await deps.notifier.publishFleet(status, fleet.slack, channel);
    if (!ref || (fleet.slack?.ts === ref.ts && fleet.slack.channel === ref.channel)) return fleet;
    const next: FleetRollout = { ...fleet, slack: ref, version: fleet.version + 1, updatedAt: deps.clock() };
    await (fleetsOf(deps) as FleetStore).saveFleetRollout(next);
    return next;
  } catch (e) {
    if (!(e instanceof ConflictError))
      deps.log('warn', 'fleet notification failed', { fleetRollout: fleet.id, error: String(e) });
    return fleet;
  }
}

/** A fleet rollout by id, or a fleet's rollout under way (else its latest) by fleet name. */
export async function findFleetRollout(deps: EngineDeps, ref: string): Promise<FleetRollout | null> {
  const store = fleetsOf(deps);
  if (!store) return null;
  const byId = await store.getFleetRollout(ref);
  if (byId) return byId;
  if (!resolveFleet(deps.config, ref)) return null;
  const head = await store.getFleetHead(ref);
  const id = head?.activeRolloutId ?? head?.latestRolloutId;
  return id ? store.getFleetRollout(id) : null;
}

/** An approver's command on a fleet rollout (approve or reject a wave, abort, unfreeze). */
export async function fleetCommand(
  deps: EngineDeps,
  hooks: RolloutHooks,
  ref: string,
  command: Command,
): Promise<CommandResult | null> {
  const store = fleetsOf(deps);
  if (!store) return null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const fleet = await findFleetRollout(deps, ref);
    if (!fleet) return null;
    const definition = resolveFleet(deps.config, fleet.fleet);
    const approvers = definition
      ? fleetApprovers(deps.config, definition)
      : fleetApprovers(deps.config, {
          name: fleet.fleet,
          waves: fleet.waves.map((w) => ({
            targets: w.targets,
            bakeSeconds: w.bakeSeconds,
            approval: w.approval,
          })),
          rollbackPromotedWaves: fleet.rollbackPromotedWaves,
          approvers: [],
          githubEnvironments: [],
        });
    const members = await membersOf(deps, fleet);
    const outcome = applyFleetCommand({ fleet, command, approvers, members, now: deps.clock() });
    if (!outcome.ok) return outcome;
    try {
      await store.saveFleetRollout(outcome.fleet, outcome.decision);
    } catch (e) {
      if (e instanceof ConflictError) continue;
      throw e;
    }
    deps.log('info', `${fleet.id} ${command.kind} by ${command.actor}`, {
      fleetRollout: fleet.id,
      phase: outcome.fleet.phase,
    });
    const saved = await runFleetActions(deps, hooks, outcome.fleet, outcome.actions);
    return { ok: true, fleet: saved, decision: outcome.decision, message: outcome.decision.reason };
  }
  return { ok: false, status: 409, error: `fleet rollout ${ref} changed concurrently; try again` };
}

/** `GET /rollouts/{id}` of a fleet rollout (or a fleet name). */
export async function fleetStatus(deps: EngineDeps, ref: string): Promise<FleetRolloutStatus | null> {
  const fleet = await findFleetRollout(deps, ref);
  if (!fleet) return null;
  const history = await (fleetsOf(deps) as FleetStore).listFleetDecisions(fleet.id);
  return toFleetStatus(deps, fleet, history);
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

async function toFleetStatus(
  deps: EngineDeps,
  fleet: FleetRollout,
  history: FleetDecision[],
): Promise<FleetRolloutStatus> {
  const now = deps.clock();
  const ids = fleet.waves.flatMap((w) => [...Object.values(w.rollouts), ...Object.values(w.reverts)]);
  const rollouts = new Map(
    (await Promise.all(ids.map((id) => deps.store.getRollout(id)))).flatMap((r) =>
      r ? [[r.id, r] as const] : [],
    ),
  );
  return {
    kind: 'fleet',
    id: fleet.id,
    fleet: fleet.fleet,
    revision: fleet.revision,
    image: fleet.image,
    phase: fleet.phase,
    wave: fleet.waveIndex + 1,
    waves: fleet.waves.map((w, i) => ({
      wave: i + 1,
      status: w.status,
      targets: w.targets.map((target) => {
        const id = w.reverts[target] ?? w.rollouts[target] ?? null;
        const rollout = id ? rollouts.get(id) : undefined;
        return {
          target,
          rollout: id,
          phase: rollout?.phase ?? null,
          canaryWeight: rollout?.canaryWeight ?? null,
          freezes: activeFreezes(deps.config.freezes, target, now),
        };
      }),
      bakeSeconds: w.bakeSeconds,
      bakeUntil: w.promotedAt === null ? null : new Date(w.promotedAt + w.bakeSeconds * 1000).toISOString(),
      approval: w.approval,
      approvedBy: w.approvedBy,
      startedAt: isoOrNull(w.startedAt),
      promotedAt: isoOrNull(w.promotedAt),
    })),
    createdAt: new Date(fleet.createdAt).toISOString(),
    updatedAt: new Date(fleet.updatedAt).toISOString(),
    reason: fleet.reason,
    freezeOverride: fleet.freezeOverride ?? null,
    lastDecision: fleet.lastDecision,
    history,
  };
}

import { policyFor, resolveFleet, resolveTarget } from '../config/config-lookup.js';
import { activeFreezes as freezesFor } from '../core/active-freezes.js';
import { applyCommand } from '../core/commands.js';
import { newRollout, supersede } from '../core/rollout-start.js';
import { ConflictError } from '../errors.js';
import { type Command, RevisionSchema, type Rollout } from '../model/rollout.js';
import type { TargetHead } from '../store/rollout-store.js';
import type {
  CommandOptions,
  CommandResult,
  Engine,
  ListOptions,
  RetryInput,
  RolloutPage,
  RolloutStatus,
  StartInput,
  StartResult,
} from './engine.js';
import type { EngineDeps } from './engine-deps.js';
import { advanceFleets, fleetCommand, fleetStatus, type RolloutHooks, startFleet } from './fleet-engine.js';
import { publishAndRemember } from './publish.js';
import { toStatus } from './status-view.js';

/** Lost races are retried from a fresh read this many times before the caller sees a 409. */
const ATTEMPTS = 4;

export function createEngine(deps: EngineDeps): Engine {
  const hooks: RolloutHooks = {
    startRollout: (input) => start(deps, hooks, input),
    systemCommand: (id, command) => runCommand(deps, hooks, id, command, { system: true }),
  };
  return {
    start: (input) => start(deps, hooks, input),
    command: (ref, command, options) => runCommand(deps, hooks, ref, command, options),
    publish: (id) => publishStored(deps, id),
    retry: (ref, input) => retry(deps, hooks, ref, input),
    advanceFleets: () => advanceFleets(deps, hooks),
    status: (id) => status(deps, id),
    fleetStatus: (id) => fleetStatus(deps, id),
    list: (options) => list(deps, options),
    page: (options) => page(deps, options),
  };
}

async function start(deps: EngineDeps, hooks: RolloutHooks, input: StartInput): Promise<StartResult> {
  const revision = RevisionSchema.safeParse(input.revision);
  if (!revision.success)
    return { ok: false, status: 422, error: `revision: ${revision.error.issues[0]?.message}` };
  const fleet = input.fleet ? null : resolveFleet(deps.config, input.target);
  if (fleet) return startFleet(deps, hooks, fleet, input);
  const target = resolveTarget(deps.config, input.target);
  if (!target)
    return {
      ok: false,
      status: 404,
      error: `unknown target "${input.target}" (no target or fleet of that name)`,
    };
  const policy = policyFor(deps.config, target.name);
  // A delivery id names one request of one sender; seen again (a retry, a replay, a redelivery from GitHub's
  // UI long after) it answers with the rollout it started, whatever has happened to the target since.
  const delivery = input.source.deliveryId ? `${input.source.kind}:${input.source.deliveryId}` : undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (delivery) {
      const seen = await deps.store.findDelivery(delivery);
      const existing = seen ? await deps.store.getRollout(seen) : null;
      if (existing) return { ok: true, rollout: existing, created: false };
    }
    if (input.github && !input.retryOf) {
      const { environment, deploymentId } = input.github;
      const claim = await deps.store.claimGithubDeployment(target.name, environment, deploymentId);
      if (!claim.ok) {
        return {
          ok: false,
          status: 409,
          error: `GitHub deployment ${deploymentId} is older than deployment ${claim.newest} already seen for ${target.name} in ${environment}; not rolling it out`,
        };
      }
    }
    const head = await deps.store.getHead(target.name);
    if (input.retryOf && head?.latestRolloutId !== input.retryOf) {
      return {
        ok: false,
        status: 409,
        error: `${head?.latestRolloutId ?? 'another rollout'} is newer than ${input.retryOf}; retry the newest rollout of ${target.name} or announce a revision`,
      };
    }
    if (!input.retryOf && head?.latestRevision === input.revision && head.latestRolloutId) {
      // The same delivery (or the same revision announced twice) is the same rollout.
      const existing = await deps.store.getRollout(head.latestRolloutId);
      if (existing && input.image && existing.image && input.image !== existing.image) {
        // One revision, two images: a CI mistake or a retagged build. Neither guess is safe to roll out.
        return {
          ok: false,
          status: 409,
          error: `revision ${input.revision} of ${target.name} was announced with image ${existing.image} (rollout ${existing.id}), not ${input.image}; announce a new revision`,
        };
      }
      if (existing) return { ok: true, rollout: existing, created: false };
    }
    const older = olderAnnouncement(input, head);
    if (older) return { ok: false, status: 409, error: older };
    const now = deps.clock();
    const id = `${target.name}-${(head?.seq ?? 0) + 1}`;
    const active = head?.activeRolloutId ? await deps.store.getRollout(head.activeRolloutId) : null;
    const replaced = active ? supersede(active, id, now) : null;
    const created = newRollout({
      id,
      target: target.name,
      cluster: target.cluster,
      revision: input.revision,
      image: input.image ?? null,
      source: input.source,
      policy,
      now,
      ...(input.retryOf ? { retryOf: input.retryOf } : {}),
      ...(input.github ? { github: input.github } : {}),
    });
    if (input.fleet) created.rollout.fleet = input.fleet;
    if (input.freezeOverride) created.rollout.freezeOverride = input.freezeOverride;
    // Outbox marks with the write: both messages (the new rollout's, the superseded one's) are published below,
    // or by the next tick if this process dies first.
    created.rollout.publishPending = true;
    if (replaced) replaced.rollout.publishPending = true;
    try {
      await deps.store.createRollout({
        rollout: created.rollout,
        head,
        ...(replaced ? { superseded: replaced.rollout } : {}),
        decisions: replaced ? [replaced.decision, created.decision] : [created.decision],
        ...(delivery ? { delivery } : {}),
        ...(input.announcedAt === undefined ? {} : { announcedAt: input.announcedAt }),
      });
    } catch (e) {
      if (e instanceof ConflictError) continue;
      throw e;
    }
    deps.log('info', `${id} started: ${target.name} → ${input.revision}`, {
      rollout: id,
      superseded: replaced?.rollout.id,
    });
    if (replaced) await publishAndRemember(deps, replaced.rollout, target);
    const rollout = await publishAndRemember(deps, created.rollout, target);
    return { ok: true, rollout, created: true, ...(replaced ? { superseded: replaced.rollout.id } : {}) };
  }
  return { ok: false, status: 409, error: `target ${target.name} changed concurrently; try again` };
}

/**
 * Why an announcement may not replace the target's latest rollout, or null when it may: one made before the
 * announcement that started the latest rollout (an old CI job finishing late, or an old request sent again)
 * must not roll a newer revision back, unless the sender says so with `force`.
 */
function olderAnnouncement(input: StartInput, head: TargetHead | null): string | null {
  if (input.force || input.announcedAt === undefined || head?.latestAnnouncedAt === undefined) return null;
  if (input.announcedAt >= head.latestAnnouncedAt) return null;
  return `revision ${input.revision} was announced at ${new Date(input.announcedAt).toISOString()}, before revision ${head.latestRevision} of ${head.target} (announced at ${new Date(head.latestAnnouncedAt).toISOString()}); an older announcement never replaces a newer one: send "force": true to roll back deliberately`;
}

/** A rollout id, or a target name meaning its active rollout (its latest with `latest`, or when none is active). */
async function findRollout(deps: EngineDeps, ref: string, latest = false): Promise<Rollout | null> {
  const byId = await deps.store.getRollout(ref);
  if (byId) return byId;
  if (!resolveTarget(deps.config, ref)) return null;
  const head = await deps.store.getHead(ref);
  const id = latest ? head?.latestRolloutId : (head?.activeRolloutId ?? head?.latestRolloutId);
  return id ? deps.store.getRollout(id) : null;
}

async function runCommand(
  deps: EngineDeps,
  hooks: RolloutHooks,
  ref: string,
  command: Command,
  options: CommandOptions & { system?: boolean } = {},
): Promise<CommandResult> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const rollout = await findRollout(deps, ref);
    if (!rollout) {
      const fleet = options.system ? null : await fleetCommand(deps, hooks, ref, command);
      return fleet ?? { ok: false, status: 404, error: `no rollout, target or fleet "${ref}"` };
    }
    const target = resolveTarget(deps.config, rollout.target);
    if (!target) return { ok: false, status: 404, error: `target ${rollout.target} is no longer configured` };
    const now = deps.clock();
    const applied = applyCommand({
      rollout,
      command,
      policy: policyFor(deps.config, target.name),
      // The fleet acting on its own rollouts (aborting siblings, passing on an unfreeze) is not a person.
      approvers: options.system ? [command.actor] : target.approvers,
      now,
      freezes: freezesFor(deps.config.freezes, rollout.target, now),
    });
    if (!applied.ok) return applied;
    // The outbox mark goes with the state write; the publish below (or the deferred one) clears it.
    const outcome = { ...applied, rollout: { ...applied.rollout, publishPending: true } };
    try {
      await deps.store.saveRollout(outcome.rollout, outcome.decision);
    } catch (e) {
      if (e instanceof ConflictError) continue;
      throw e;
    }
    deps.log('info', `${rollout.id} ${command.kind} by ${command.actor}`, {
      rollout: rollout.id,
      phase: outcome.rollout.phase,
    });
    const saved =
      options.publish === 'later' ? outcome.rollout : await publishAndRemember(deps, outcome.rollout, target);
    return { ok: true, rollout: saved, decision: outcome.decision, message: outcome.decision.reason };
  }
  return { ok: false, status: 409, error: `rollout ${ref} changed concurrently; try again` };
}

/** Publishes the rollout as it is stored now (a consistent read): a deferred publish never shows stale state. */
async function publishStored(deps: EngineDeps, id: string): Promise<void> {
  const rollout = await deps.store.getRollout(id);
  const target = rollout ? resolveTarget(deps.config, rollout.target) : null;
  if (!rollout || !target) return;
  await publishAndRemember(deps, rollout, target);
}

/** `retry`: a failed rollout's revision and image, started again as a new rollout by an approver. */
async function retry(
  deps: EngineDeps,
  hooks: RolloutHooks,
  ref: string,
  input: RetryInput,
): Promise<StartResult> {
  const rollout = await findRollout(deps, ref, true);
  if (!rollout) return { ok: false, status: 404, error: `no rollout or target "${ref}"` };
  const target = resolveTarget(deps.config, rollout.target);
  if (!target) return { ok: false, status: 404, error: `target ${rollout.target} is no longer configured` };
  if (input.via !== 'api' && !target.approvers.includes(input.actor))
    return { ok: false, status: 403, error: `${input.actor} is not an approver of target ${rollout.target}` };
  if (rollout.phase !== 'failed') {
    return {
      ok: false,
      status: 409,
      error: `rollout ${rollout.id} is ${rollout.phase}; only a failed rollout can be retried`,
    };
  }
  return start(deps, hooks, {
    target: rollout.target,
    revision: rollout.revision,
    image: rollout.image,
    source: { kind: input.via, actor: input.actor },
    retryOf: rollout.id,
    ...(rollout.github ? { github: rollout.github } : {}),
  });
}

async function status(deps: EngineDeps, id: string): Promise<RolloutStatus | null> {
  const rollout = await deps.store.getRollout(id);
  if (!rollout) return null;
  const history = await deps.store.listDecisions(id);
  const policy = resolveTarget(deps.config, rollout.target) ? policyFor(deps.config, rollout.target) : null;
  return {
    ...toStatus(rollout, policy, history),
    freezes: freezesFor(deps.config.freezes, rollout.target, deps.clock()),
    ...(rollout.freeze ? { freeze: rollout.freeze } : {}),
    ...(rollout.freezeOverride ? { freezeOverride: rollout.freezeOverride } : {}),
    ...(rollout.fleet ? { fleet: rollout.fleet } : {}),
  };
}

async function list(
  deps: EngineDeps,
  options?: { target?: string; limit?: number },
): Promise<RolloutStatus[]> {
  const rollouts = await deps.store.listRollouts(options);
  return rollouts.map((r) =>
    toStatus(r, resolveTarget(deps.config, r.target) ? policyFor(deps.config, r.target) : null, []),
  );
}

async function page(deps: EngineDeps, options: ListOptions): Promise<RolloutPage> {
  const found = await deps.store.pageRollouts(options);
  return {
    rollouts: found.rollouts.map((r) =>
      toStatus(r, resolveTarget(deps.config, r.target) ? policyFor(deps.config, r.target) : null, []),
    ),
    cursor: found.cursor,
  };
}

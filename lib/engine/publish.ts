import { ConflictError } from '../errors.js';
import type { ResolvedTarget } from '../model/config.js';
import type { Rollout } from '../model/rollout.js';
import type { MessageRef } from '../notify/notifier.js';
import type { EngineDeps } from './engine-deps.js';

/** Conflicts retried when remembering a new message's reference, each from a fresh read. */
const ATTEMPTS = 4;

const sameRef = (a: MessageRef | null, b: MessageRef | null): boolean =>
  a !== null && b !== null && a.channel === b.channel && a.ts === b.ts;

/**
 * Publishes the rollout's message and, the first time, remembers where it lives so later transitions update it
 * in place. The reference is saved on the newest version, whoever moved the rollout meanwhile: a reference lost
 * to a conflict would make the next transition post a second message. When another invocation posted first
 * (both saw no message), ours is withdrawn and theirs updated. Whenever the rollout moved on while we rendered
 * it, the message is rendered again, so it never stays behind the stored state. Notification failures never
 * fail a rollout. Once the message shows the rollout, its outbox mark (`publishPending`) is cleared; a failure or
 * a crash before that leaves it for the next tick, which publishes again (the same message, updated in place).
 */
export async function publishAndRemember(
  deps: EngineDeps,
  rollout: Rollout,
  target: ResolvedTarget,
): Promise<Rollout> {
  try {
    const shown = await publishOnce(deps, rollout, target);
    return shown.publishPending ? await markPublished(deps, shown) : shown;
  } catch (e) {
    // The outbox mark stays: the next tick publishes the rollout again.
    deps.log('warn', 'notification failed', { rollout: rollout.id, error: String(e) });
    return rollout;
  }
}

/** The stored version the message now shows (its reference remembered), or a failure. */
async function publishOnce(deps: EngineDeps, rollout: Rollout, target: ResolvedTarget): Promise<Rollout> {
  const ref = await deps.notifier.publish(rollout, target);
  if (!ref || sameRef(rollout.slack, ref)) return await catchUp(deps, rollout, target);
  let current = rollout;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (current.slack && !sameRef(current.slack, ref) && !sameRef(current.slack, rollout.slack)) {
      // Someone else's message became the rollout's meanwhile: withdraw ours, bring theirs up to date.
      await deps.notifier.retract?.(ref);
      await deps.notifier.publish(current, target);
      return current;
    }
    if (sameRef(current.slack, ref)) return current;
    const next: Rollout = { ...current, slack: ref, version: current.version + 1, updatedAt: deps.clock() };
    try {
      await deps.store.saveRollout(next);
      // Rendered from an older version than the one the reference went on: render the newest.
      if (current !== rollout) await deps.notifier.publish(next, target);
      return next;
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      const latest = await deps.store.getRollout(rollout.id);
      if (!latest) return rollout;
      current = latest;
    }
  }
  return current;
}

/** After updating the message: if the rollout moved on meanwhile, the newer state is what people must see. */
async function catchUp(deps: EngineDeps, rendered: Rollout, target: ResolvedTarget): Promise<Rollout> {
  if (!rendered.slack) return rendered;
  const latest = await deps.store.getRollout(rendered.id);
  if (latest && latest.version > rendered.version && sameRef(latest.slack, rendered.slack))
    await deps.notifier.publish(latest, target);
  return rendered;
}

/** The message shows `shown`: its outbox mark is cleared, unless the rollout moved on (its mover publishes). */
async function markPublished(deps: EngineDeps, shown: Rollout): Promise<Rollout> {
  if (!(await deps.store.markPublished(shown))) return shown;
  const { publishPending: _cleared, ...published } = shown;
  return published;
}

import { ConflictError } from '../errors.js';
import type { ResolvedTarget } from '../model/config.js';
import type { Rollout } from '../model/rollout.js';
import type { EngineDeps } from './engine-deps.js';

/**
 * Publishes the rollout's message and, the first time, remembers where it lives so later transitions
 * update it in place. Notification failures never fail a rollout.
 */
export async function publishAndRemember(
  deps: EngineDeps,
  rollout: Rollout,
  target: ResolvedTarget,
): Promise<Rollout> {
  try {
    const ref = await deps.notifier.publish(rollout, target);
    if (!ref || (rollout.slack && rollout.slack.ts === ref.ts && rollout.slack.channel === ref.channel))
      return rollout;
    const next: Rollout = { ...rollout, slack: ref, version: rollout.version + 1, updatedAt: deps.clock() };
    await deps.store.saveRollout(next);
    return next;
  } catch (e) {
    if (!(e instanceof ConflictError))
      deps.log('warn', 'notification failed', { rollout: rollout.id, error: String(e) });
    return rollout;
  }
}

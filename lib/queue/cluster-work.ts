import { z } from 'zod';

/** Rollout ids are `<target>-<seq>`; targets are DNS labels. Bounded: they become store keys. */
const RolloutId = z
  .string()
  .max(80)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);

/** At most this many rollouts per message: far below SQS's 256 KiB, and one worker's share of a cluster. */
export const MAX_ROLLOUTS_PER_MESSAGE = 200;

/**
 * One message of the tick to a cluster worker: the rollouts of one cluster whose check was due at `dueAt`. The
 * worker re-reads each rollout with a consistent read before acting, so a stale or repeated message is harmless.
 */
export const ClusterWorkSchema = z
  .object({
    cluster: z
      .string()
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
    rollouts: z.array(RolloutId).min(1).max(MAX_ROLLOUTS_PER_MESSAGE),
    /** The tick's time (ms since the epoch): the message's identity for de-duplication. */
    dueAt: z.number().int().nonnegative(),
  })
  .strict();

export type ClusterWork = z.infer<typeof ClusterWorkSchema>;

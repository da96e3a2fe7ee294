/** Effects the fleet core asks for; the engine runs them through the same paths as any rollout. */
export type FleetAction =
  /** Start (or find again: it is idempotent) the rollout of `target` for wave `wave` (1-based). */
  | { type: 'startRollout'; wave: number; target: string }
  /** Stop a member rollout still under way: its traffic goes back to the primary. */
  | { type: 'abortRollout'; rolloutId: string; reason: string }
  /** Start a rollout taking `target` back to the revision it ran before the fleet rollout. */
  | { type: 'revertTarget'; wave: number; target: string; revision: string; image: string | null }
  /** Lift the freezes for a member rollout under way (the fleet rollout was unfrozen). */
  | { type: 'unfreezeRollout'; rolloutId: string; actor: string; reason: string }
  | { type: 'notify' };

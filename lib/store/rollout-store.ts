import type { Decision, Rollout } from '../model/rollout.js';

export interface RolloutQuery {
  target?: string;
  phase?: Rollout['phase'];
  active?: boolean;
  limit?: number;
  cursor?: string;
}

/** Per-target pointer: which rollout is active, which was the latest, and the id sequence. */
export interface TargetHead {
  target: string;
  activeRolloutId: string | null;
  latestRolloutId: string | null;
  latestRevision: string | null;
  /** Number of rollouts ever created for the target; rollout ids are `<target>-<seq>`. */
  seq: number;
  version: number;
  /** The newest announcement time (ms) of any rollout started with one: older announcements are refused. */
  latestAnnouncedAt?: number;
}

/**
 * Rollouts, their decision history and the per-target head, in one DynamoDB table.
 * Every write is conditional; a lost race raises ConflictError and changes nothing.
 */
export interface RolloutStore {
  getRollout(id: string): Promise<Rollout | null>;
  getHead(target: string): Promise<TargetHead | null>;
  /** The rollout a delivery (`<source>:<delivery id>`) started, if it was seen before. */
  findDelivery(delivery: string): Promise<string | null>;
  /**
   * In one transaction: puts `rollout` (must not exist), moves the head (must still be at `head.version`, or
   * not exist when `head` is null) to it as active and latest, writes `superseded` (conditional on its
   * previous version) when given, and appends `decisions` to the histories. With `delivery`, also records it
   * (must not be recorded yet), so that a replay of the same delivery can never start a second rollout.
   */
  createRollout(input: {
    rollout: Rollout;
    head: TargetHead | null;
    superseded?: Rollout;
    decisions: Decision[];
    delivery?: string;
    /** When the announcement was made; the head keeps the newest. */
    announcedAt?: number;
  }): Promise<void>;
  /**
   * Conditional on the stored version being `rollout.version - 1`. Appends `decision` to the rollout's
   * history in the same transaction; clears the head's active pointer when the rollout reached a terminal phase.
   */
  saveRollout(rollout: Rollout, decision?: Decision): Promise<void>;
  /**
   * Records `deploymentId` as the newest GitHub deployment of `target` in `environment`, unless a newer one
   * was recorded: then answers `{ok: false, newest}` and changes nothing. The same id again is accepted
   * (a redelivery is then answered through its delivery record).
   */
  claimGithubDeployment(
    target: string,
    environment: string,
    deploymentId: number,
  ): Promise<{ ok: true } | { ok: false; newest: number }>;
  /**
   * Clears the outbox mark (`publishPending`) of the rollout at `version`, and takes a finished one out of the
   * tick's index, without a new version: commands racing it are not refused for it. Answers false (and changes
   * nothing) when the rollout has moved on; whoever moved it publishes its own state.
   */
  markPublished(rollout: Rollout): Promise<boolean>;
  /** Rollouts not in a terminal phase, and finished ones not yet published (across all targets). */
  listActive(): Promise<Rollout[]>;
  /**
   * Active rollouts whose next check is due at `now` (the `active` index is sorted by it). Read from an index,
   * so eventually consistent: act only after re-reading a rollout with `getRollout`.
   */
  listDue(now: number): Promise<Rollout[]>;
  /** Newest first. */
  listRollouts(options?: { target?: string; limit?: number }): Promise<Rollout[]>;
  /**
   * Newest first, filtered by target, phase and activity, `limit` (default 20) at a time; `cursor` continues
   * after the previous page. An invalid cursor throws InvalidCursorError.
   */
  pageRollouts(options: RolloutQuery): Promise<{ rollouts: Rollout[]; cursor: string | null }>;
  /** The rollout's decisions, oldest first. */
  listDecisions(rolloutId: string, options?: { limit?: number }): Promise<Decision[]>;
}

import type { FleetDecision, FleetRollout } from '../model/fleet-rollout.js';
import type { FleetRolloutStatus } from '../model/fleet-status.js';
import type { FreezeOverride } from '../model/freeze.js';
import type { Command, Decision, Rollout } from '../model/rollout.js';
import type { RolloutStatus } from '../model/rollout-status.js';
import type { ClusterWork } from '../queue/cluster-work.js';

export interface StartInput {
  /** A target name, or a fleet name (the fleet rollout starts at wave 1). */
  target: string;
  revision: string;
  image?: string | null;
  source: Rollout['source'];
  /**
   * When the sender made the announcement (ms; the signed timestamp of a deploy webhook). An announcement
   * older than the one behind the target's latest rollout is refused unless `force` is set.
   */
  announcedAt?: number;
  force?: boolean;
  /**
   * A retry of this failed rollout: the same revision starts again as a new rollout (an announcement of the
   * same revision would otherwise answer with the existing rollout). Only while it is the target's latest.
   */
  retryOf?: string;
  /** GitHub deployment the rollout reports its statuses to. */
  github?: Rollout['github'];
  /** Set when a fleet rollout starts this rollout for one of its waves. */
  fleet?: { id: string; wave: number };
  /** Inherited from a fleet rollout an approver unfroze, or set on a rollback of a promoted wave. */
  freezeOverride?: FreezeOverride;
}

export interface CommandOptions {
  /**
   * `later`: save the change and return without publishing it; the caller hands `publish(id)` to a follow-up
   * (a Slack request must be answered before any Slack API call is made). `now` by default.
   */
  publish?: 'now' | 'later';
}

export interface RetryInput {
  actor: string;
  via: 'slack' | 'api';
  reason?: string;
}

export interface ListOptions {
  target?: string;
  phase?: Rollout['phase'];
  /** Only rollouts not in a terminal phase. */
  active?: boolean;
  limit?: number;
  /** Opaque position from a previous page's `cursor`. */
  cursor?: string;
}

export interface RolloutPage {
  rollouts: RolloutStatus[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  cursor: string | null;
}

export type StartResult =
  | { ok: true; rollout: Rollout; created: boolean; superseded?: string; fleet?: undefined }
  | { ok: true; fleet: FleetRollout; created: boolean; superseded?: string; rollout?: undefined }
  | { ok: false; status: 403 | 404 | 409 | 422 | 501; error: string };

export type { FleetRolloutStatus, RolloutStatus };

export type CommandResult =
  | { ok: true; rollout: Rollout; decision: Decision | null; message: string; fleet?: undefined }
  | { ok: true; fleet: FleetRollout; decision: FleetDecision; message: string; rollout?: undefined }
  | { ok: false; status: 403 | 404 | 409 | 422; error: string };

export interface TickSummary {
  at: number;
  rollouts: { id: string; phase: Rollout['phase']; action: Decision['action'] | 'none'; error?: string }[];
  clusters: { name: string; ok: boolean; ms: number; error?: string }[];
  /** Fleet rollouts the tick moved on (absent when none is under way). */
  fleets?: FleetTickEntry[];
}

/** One fleet rollout in a tick's summary: where it is and what the tick did with it. */
export interface FleetTickEntry {
  id: string;
  phase: FleetRollout['phase'];
  action: FleetDecision['action'] | 'none';
  error?: string;
}

/** What the HTTP and event functions (and the local server) call: no cluster is reached through it. */
export interface Engine {
  start(input: StartInput): Promise<StartResult>;
  /** `ref` is a rollout id or a target name (its active rollout). */
  command(ref: string, command: Command, options?: CommandOptions): Promise<CommandResult>;
  /** Publishes the rollout as stored (Slack message, statuses, events): the follow-up of a deferred command. */
  publish(id: string): Promise<void>;
  /** Starts a failed rollout's revision and image again, as a new rollout. */
  retry(ref: string, input: RetryInput): Promise<StartResult>;
  /**
   * Every active fleet rollout one step on: start a wave whose predecessor finished, hold at a wave gate, roll a
   * fleet back. Only the store and the notifier are touched (the rollouts it starts are advanced by the cluster
   * workers), so the scheduled tick runs it after dispatching the due clusters.
   */
  advanceFleets(): Promise<FleetTickEntry[]>;
  status(id: string): Promise<RolloutStatus | null>;
  /** A fleet rollout by id, or a fleet's latest by fleet name. */
  fleetStatus(id: string): Promise<FleetRolloutStatus | null>;
  list(options?: { target?: string; limit?: number }): Promise<RolloutStatus[]>;
  /** Newest first, filtered, one page at a time. */
  page(options: ListOptions): Promise<RolloutPage>;
}

/** What the cluster worker calls: the only part of Aviary that reaches clusters and metric sources. */
export interface ClusterEngine {
  /** One cluster's due rollouts (a queue message): re-read, advanced within the cluster's time budget. */
  work(work: ClusterWork): Promise<TickSummary>;
  /**
   * Every active rollout of every cluster in one invocation, clusters worked on concurrently: the tick before
   * the queue, kept as the baseline `bench:scale` measures the queue against.
   */
  tickAll(): Promise<TickSummary>;
}

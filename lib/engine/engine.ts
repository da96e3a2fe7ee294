import type { Command, Decision, Rollout } from '../model/rollout.js';
import type { ClusterWork } from '../queue/cluster-work.js';

export interface StartInput {
  target: string;
  revision: string;
  image?: string | null;
  source: Rollout['source'];
}

export type StartResult =
  | { ok: true; rollout: Rollout; created: boolean; superseded?: string }
  | { ok: false; status: 404 | 409 | 422; error: string };

export type CommandResult =
  | { ok: true; rollout: Rollout; decision: Decision | null; message: string }
  | { ok: false; status: 403 | 404 | 409 | 422; error: string };

export interface TickSummary {
  at: number;
  rollouts: { id: string; phase: Rollout['phase']; action: Decision['action'] | 'none'; error?: string }[];
  clusters: { name: string; ok: boolean; ms: number; error?: string }[];
}

export interface RolloutStatus {
  id: string;
  target: string;
  cluster: string;
  revision: string;
  image: string | null;
  phase: Rollout['phase'];
  canaryWeight: number;
  stepIndex: number;
  steps: number[];
  createdAt: string;
  updatedAt: string;
  approval: Rollout['approval'];
  reason: string | null;
  lastDecision: Decision | null;
  history: Decision[];
}

/** What the HTTP and event functions (and the local server) call: no cluster is reached through it. */
export interface Engine {
  start(input: StartInput): Promise<StartResult>;
  /** `ref` is a rollout id or a target name (its active rollout). */
  command(ref: string, command: Command): Promise<CommandResult>;
  status(id: string): Promise<RolloutStatus | null>;
  list(options?: { target?: string; limit?: number }): Promise<RolloutStatus[]>;
}

/** What the cluster worker calls: the only part of Aviary that reaches clusters and metric sources. */
export interface Fleet {
  /** One cluster's due rollouts (a queue message): re-read, advanced within the cluster's time budget. */
  work(work: ClusterWork): Promise<TickSummary>;
  /**
   * Every active rollout of every cluster in one invocation, clusters worked on concurrently: the tick before
   * the queue, kept as the baseline `bench:scale` measures the queue against.
   */
  tickAll(): Promise<TickSummary>;
}

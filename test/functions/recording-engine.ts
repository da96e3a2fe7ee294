import type {
  ClusterEngine,
  CommandResult,
  Engine,
  ListOptions,
  RetryInput,
  RolloutStatus,
  StartInput,
  StartResult,
  TickSummary,
} from '../../lib/engine/engine.js';
import { toStatus } from '../../lib/engine/status-view.js';
import type { Command } from '../../lib/model/rollout.js';
import type { ClusterWork } from '../../lib/queue/cluster-work.js';
import { CONFIG, NOW, POLICY, pendingRollout } from './fixtures.js';

export type EngineCall =
  | { method: 'start'; input: StartInput }
  | { method: 'command'; ref: string; command: Command }
  | { method: 'status'; id: string }
  | { method: 'list'; options: { target?: string; limit?: number } | undefined }
  | { method: 'page'; options: ListOptions }
  | { method: 'retry'; ref: string; input: RetryInput };

/**
 * An Engine that records every call and answers like the real one would for a store holding `podinfo-1`
 * (unknown targets 404, unknown rollouts 404); tests override single answers to script refusals.
 */
export function recordingEngine(
  overrides: Partial<Engine> = {},
): Engine & { calls: EngineCall[]; published: string[] } {
  const calls: EngineCall[] = [];
  /** Rollouts published by `publish` (deferred publishing), kept apart from `calls`. */
  const published: string[] = [];
  const known = new Map([['podinfo-1', pendingRollout()]]);
  const statusOf = (id: string): RolloutStatus | null => {
    const rollout = known.get(id);
    return rollout ? toStatus(rollout, POLICY, rollout.lastDecision ? [rollout.lastDecision] : []) : null;
  };
  const base: Engine = {
    async publish(id) {
      published.push(id);
    },
    async advanceFleets() {
      return [];
    },
    async start(input): Promise<StartResult> {
      if (!(input.target in CONFIG.targets))
        return { ok: false, status: 404, error: `unknown target "${input.target}"` };
      const rollout = pendingRollout({
        id: `${input.target}-2`,
        target: input.target,
        revision: input.revision,
        image: input.image ?? null,
        source: input.source,
      });
      return { ok: true, rollout, created: true };
    },
    async command(ref, command): Promise<CommandResult> {
      const rollout = known.get(ref) ?? (ref === 'podinfo' ? known.get('podinfo-1') : undefined);
      if (!rollout) return { ok: false, status: 404, error: `no rollout or target "${ref}"` };
      const next = { ...rollout, phase: command.kind === 'pause' ? ('paused' as const) : rollout.phase };
      return { ok: true, rollout: next, decision: null, message: `${command.kind} by ${command.actor}` };
    },
    async status(id) {
      return statusOf(id);
    },
    async fleetStatus() {
      return null;
    },
    async list(options) {
      const all = [...known.keys()].map((id) => statusOf(id) as RolloutStatus);
      return all
        .filter((s) => !options?.target || s.target === options.target)
        .slice(0, options?.limit ?? 50);
    },
    async page(options) {
      const all = [...known.keys()].map((id) => statusOf(id) as RolloutStatus);
      const rollouts = all
        .filter((s) => !options.target || s.target === options.target)
        .filter((s) => !options.phase || s.phase === options.phase)
        .slice(0, options.limit ?? 20);
      return { rollouts, cursor: null };
    },
    async retry(ref, input): Promise<StartResult> {
      const rollout = known.get(ref);
      if (!rollout) return { ok: false, status: 404, error: `no rollout or target "${ref}"` };
      return {
        ok: true,
        created: true,
        rollout: pendingRollout({
          id: `${rollout.target}-2`,
          source: { kind: input.via, actor: input.actor },
        }),
      };
    },
  };
  const engine = { ...base, ...overrides };
  return {
    calls,
    published,
    publish: (id) => engine.publish(id),
    advanceFleets: () => engine.advanceFleets(),
    start: (input) => {
      calls.push({ method: 'start', input });
      return engine.start(input);
    },
    command: (ref, command, options) => {
      calls.push({ method: 'command', ref, command });
      return engine.command(ref, command, options);
    },
    status: (id) => {
      calls.push({ method: 'status', id });
      return engine.status(id);
    },
    fleetStatus: (id) => engine.fleetStatus(id),
    list: (options) => {
      calls.push({ method: 'list', options });
      return engine.list(options);
    },
    page: (options) => {
      calls.push({ method: 'page', options });
      return engine.page(options);
    },
    retry: (ref, input) => {
      calls.push({ method: 'retry', ref, input });
      return engine.retry(ref, input);
    },
  };
}

/** A cluster engine that records the work it is given and answers with each rollout advanced on a healthy cluster. */
export function recordingClusterEngine(
  failOn: ReadonlySet<string> = new Set(),
): ClusterEngine & { worked: ClusterWork[] } {
  const worked: ClusterWork[] = [];
  const summaryOf = (work: ClusterWork): TickSummary => ({
    at: NOW,
    rollouts: work.rollouts.map((id) => ({ id, phase: 'progressing', action: 'advance' })),
    clusters: [{ name: work.cluster, ok: true, ms: 12 }],
  });
  return {
    worked,
    async work(work) {
      if (failOn.has(work.cluster)) throw new Error(`cluster ${work.cluster} crashed the worker`);
      worked.push(work);
      return summaryOf(work);
    },
    async tickAll() {
      return summaryOf({ cluster: 'sim', rollouts: ['podinfo-1'], dueAt: NOW });
    },
  };
}

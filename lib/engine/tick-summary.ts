import type { Rollout } from '../model/rollout.js';
import type { AdvanceResult } from './advance-rollout.js';
import type { ClusterOutcome } from './cluster-fanout.js';
import type { TickSummary } from './engine.js';
import type { EngineLog } from './engine-deps.js';

/**
 * What a tick (or one cluster worker's share of it) did: a line per rollout, including those its cluster never
 * reached, and a line per cluster, down when it timed out or answered nothing at all.
 */
export function summarizeTick(
  at: number,
  worked: readonly Rollout[],
  outcomes: readonly ClusterOutcome<AdvanceResult[]>[],
  log: EngineLog,
): TickSummary {
  const rollouts: TickSummary['rollouts'] = [];
  for (const outcome of outcomes) {
    const done = new Set((outcome.value ?? []).map((r) => r.id));
    rollouts.push(...(outcome.value ?? []));
    for (const r of worked) {
      if (r.cluster === outcome.cluster && !done.has(r.id)) {
        rollouts.push({
          id: r.id,
          phase: r.phase,
          action: 'none',
          error: outcome.error ?? 'not reached this tick',
        });
      }
    }
    if (!outcome.ok)
      log('warn', `cluster ${outcome.cluster}: ${outcome.error}`, {
        cluster: outcome.cluster,
        ms: outcome.ms,
      });
  }
  return {
    at,
    rollouts,
    clusters: outcomes.map((o) => {
      // Work that finished in time on a cluster that answered nothing is still a cluster that is down.
      const results = o.value ?? [];
      const unreachable = results.length > 0 && results.every((r) => r.clusterUnreachable);
      const error = o.error ?? (unreachable ? results[0]?.error : undefined);
      return {
        name: o.cluster,
        ok: o.ok && !unreachable,
        ms: Math.round(o.ms),
        ...(error ? { error } : {}),
      };
    }),
  };
}

/** The summaries of several cluster workers of one tick, as one. */
export function mergeTickSummaries(at: number, parts: readonly TickSummary[]): TickSummary {
  return {
    at,
    rollouts: parts.flatMap((p) => p.rollouts),
    clusters: parts.flatMap((p) => p.clusters),
  };
}

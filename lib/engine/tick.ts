import type { Rollout } from '../model/rollout.js';
import { type AdvanceResult, advanceRollout } from './advance-rollout.js';
import { fanOutByCluster } from './cluster-fanout.js';
import type { TickSummary } from './engine.js';
import type { EngineDeps } from './engine-deps.js';

/**
 * The scheduled tick: every active rollout, clusters worked on concurrently with a per-cluster time budget.
 * A slow or unreachable cluster only delays its own rollouts, which hold (never roll back) until it answers.
 */
export async function runTick(deps: EngineDeps): Promise<TickSummary> {
  const at = deps.clock();
  const active = await deps.store.listActive();
  const outcomes = await fanOutByCluster(
    active,
    async (clusterName: string, rollouts: Rollout[], signal: AbortSignal): Promise<AdvanceResult[]> => {
      const cluster = deps.config.clusters[clusterName];
      if (!cluster) throw new Error(`cluster "${clusterName}" is no longer configured`);
      const kubeConfig = await deps.connector.kubeConfig(clusterName, cluster);
      const results: AdvanceResult[] = [];
      for (const rollout of rollouts) {
        if (signal.aborted) break;
        try {
          results.push(await advanceRollout(deps, rollout, kubeConfig, signal));
        } catch (e) {
          results.push({
            id: rollout.id,
            phase: rollout.phase,
            action: 'none',
            error: e instanceof Error ? e.message : String(e),
          });
        }
      }
      return results;
    },
    {
      concurrency: deps.config.tick.clusterConcurrency,
      budgetMs: deps.config.tick.clusterBudgetMs,
      ...(deps.budgetTimer ? { budgetTimer: deps.budgetTimer } : {}),
    },
  );
  const rollouts: TickSummary['rollouts'] = [];
  for (const outcome of outcomes) {
    const done = new Set((outcome.value ?? []).map((r) => r.id));
    rollouts.push(...(outcome.value ?? []));
    for (const r of active) {
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
      deps.log('warn', `cluster ${outcome.cluster}: ${outcome.error}`, {
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

import type { TickSummary } from './engine.js';

/** What one tick did, as counts for CloudWatch: alarms on rollbacks and unreachable clusters start here. */
export interface TickMetrics {
  ActiveRollouts: number;
  Advances: number;
  Holds: number;
  ApprovalsRequested: number;
  Promotions: number;
  Rollbacks: number;
  RolloutErrors: number;
  ClustersUnreachable: number;
}

export function tickMetrics(summary: TickSummary): TickMetrics {
  const count = (actions: string[]): number =>
    summary.rollouts.filter((r) => actions.includes(r.action)).length;
  return {
    ActiveRollouts: summary.rollouts.length,
    Advances: count(['advance']),
    Holds: count(['hold', 'wait']),
    ApprovalsRequested: count(['request_approval']),
    Promotions: count(['promote']),
    Rollbacks: count(['rollback']),
    RolloutErrors: summary.rollouts.filter((r) => r.error).length,
    ClustersUnreachable: summary.clusters.filter((c) => !c.ok).length,
  };
}

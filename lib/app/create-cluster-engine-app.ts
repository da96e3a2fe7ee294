import { createJudge } from '../analysis/create-judge.js';
import type { ClusterConnector } from '../cluster/cluster-connector.js';
import { createKubeWorkloads } from '../cluster/kube-workloads.js';
import { createClusterEngine } from '../engine/cluster-engine.js';
import type { BudgetTimer } from '../engine/cluster-fanout.js';
import type { EngineLog } from '../engine/engine-deps.js';
import type { Sleep } from '../engine/transient-retry.js';
import { createMetricSource } from '../metrics/create-metric-source.js';
import type { AviaryConfig } from '../model/config.js';
import type { Notifier } from '../notify/notifier.js';
import { createTrafficRouter } from '../router/create-router.js';
import type { RolloutStore } from '../store/rollout-store.js';
import type { ClusterEngineApp } from './app.js';

export interface ClusterEngineAppParts {
  config: AviaryConfig;
  store: RolloutStore;
  connector: ClusterConnector;
  notifier: Notifier;
  clock?: () => number;
  log?: EngineLog;
  /** Tests drive the per-cluster budgets by events instead of real time. */
  budgetTimer?: BudgetTimer;
  /** The waits between a rollback's write attempts; tests and simulations wait on nothing. */
  sleep?: Sleep;
}

/** The composition of the scheduled tick: the only one with routers, metric sources, workloads and clusters. */
export function createClusterEngineApp(parts: ClusterEngineAppParts): ClusterEngineApp {
  const clock = parts.clock ?? Date.now;
  const clusterEngine = createClusterEngine({
    config: parts.config,
    store: parts.store,
    connector: parts.connector,
    routers: createTrafficRouter,
    metrics: createMetricSource,
    workloads: createKubeWorkloads,
    notifier: parts.notifier,
    judgeFor: (policy) => createJudge(policy.judge),
    clock,
    log: parts.log ?? (() => {}),
    ...(parts.budgetTimer ? { budgetTimer: parts.budgetTimer } : {}),
    ...(parts.sleep ? { sleep: parts.sleep } : {}),
  });
  return { config: parts.config, clusterEngine, clock };
}

import type { ClusterConnector } from '../cluster/cluster-connector.js';
import type { WorkloadsFactory } from '../cluster/workloads.js';
import type { MetricSourceFactory } from '../metrics/metric-source.js';
import type { AviaryConfig } from '../model/config.js';
import type { Judge } from '../model/judge.js';
import type { Policy } from '../model/policy.js';
import type { Notifier } from '../notify/notifier.js';
import type { TrafficRouterFactory } from '../router/traffic-router.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { RolloutStore } from '../store/rollout-store.js';
import type { BudgetTimer } from './cluster-fanout.js';

/** Everything the engine does I/O through; each one an adapter behind a small interface. */
export interface EngineDeps {
  config: AviaryConfig;
  store: RolloutStore;
  /** Fleet rollouts, in the same table; without it a deploy event naming a fleet is refused (501). */
  fleets?: FleetStore;
  connector: ClusterConnector;
  routers: TrafficRouterFactory;
  metrics: MetricSourceFactory;
  workloads: WorkloadsFactory;
  notifier: Notifier;
  judgeFor: (policy: Policy) => Judge;
  clock: () => number;
  log: EngineLog;
  /** When a cluster's per-tick budget runs out; real time unless a test drives it. */
  budgetTimer?: BudgetTimer;
}

/** Structured log sink (Powertools Logger on Lambda, the terminal locally). */
export type EngineLog = (
  level: 'info' | 'warn' | 'error',
  message: string,
  data?: Record<string, unknown>,
) => void;

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
import type { Sleep } from './transient-retry.js';

/**
 * What starting, steering and reading rollouts needs: the store and the notifier, never a cluster. The webhooks,
 * the status API and the Slack function are composed with these only, so their bundles hold no cluster client.
 */
export interface EngineDeps {
  config: AviaryConfig;
  store: RolloutStore;
  notifier: Notifier;
  clock: () => number;
  log: EngineLog;
  /** Fleet rollouts, in the same table; without it a deploy event naming a fleet is refused (501). */
  fleets?: FleetStore;
}

/** What advancing rollouts needs on top: the clusters (routers, workloads), metric sources and judges. */
export interface ClusterEngineDeps extends EngineDeps {
  connector: ClusterConnector;
  routers: TrafficRouterFactory;
  metrics: MetricSourceFactory;
  workloads: WorkloadsFactory;
  judgeFor: (policy: Policy) => Judge;
  /** When a cluster's per-tick budget runs out; real time unless a test drives it. */
  budgetTimer?: BudgetTimer;
  /** The waits between a rollback's traffic write attempts; real time unless a test drives it. */
  sleep?: Sleep;
}

/** Structured log sink (the function's Powertools Logger on Lambda, the terminal locally). */
export type EngineLog = (
  level: 'info' | 'warn' | 'error',
  message: string,
  data?: Record<string, unknown>,
) => void;

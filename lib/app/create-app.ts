import { createJudge } from '../analysis/create-judge.js';
import type { ClusterConnector } from '../cluster/cluster-connector.js';
import { createKubeWorkloads } from '../cluster/kube-workloads.js';
import type { BudgetTimer } from '../engine/cluster-fanout.js';
import type { EngineLog } from '../engine/engine-deps.js';
import { createEngine } from '../engine/rollout-engine.js';
import type { GithubStatuses } from '../github/deployment-statuses.js';
import { createMetricSource } from '../metrics/create-metric-source.js';
import type { AviaryConfig } from '../model/config.js';
import type { FollowUps } from '../notify/follow-up.js';
import type { Notifier } from '../notify/notifier.js';
import type { SlackResponder } from '../notify/slack-responder.js';
import { createTrafficRouter } from '../router/create-router.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { RequestLedger } from '../store/request-ledger.js';
import type { RolloutStore } from '../store/rollout-store.js';
import type { App, Secrets } from './app.js';

export interface AppParts {
  config: AviaryConfig;
  secrets: Secrets;
  store: RolloutStore;
  /** Fleet rollouts (same table); without it, deploy events naming a fleet are refused. */
  fleets?: FleetStore;
  requests: RequestLedger;
  connector: ClusterConnector;
  notifier: Notifier;
  clock?: () => number;
  log?: EngineLog;
  respond?: SlackResponder;
  /** Where the Slack webhook hands the Slack work that follows its answer. */
  followUps?: FollowUps;
  /** Tests drive the tick's per-cluster budgets by events instead of real time. */
  budgetTimer?: BudgetTimer;
  openCommands?: boolean;
  github?: GithubStatuses;
}

/** The composition root shared by Lambda, `npm start` and the end-to-end tests: real adapters throughout. */
export function createApp(parts: AppParts): App {
  const clock = parts.clock ?? Date.now;
  const engine = createEngine({
    config: parts.config,
    store: parts.store,
    ...(parts.fleets ? { fleets: parts.fleets } : {}),
    connector: parts.connector,
    routers: createTrafficRouter,
    metrics: createMetricSource,
    workloads: createKubeWorkloads,
    notifier: parts.notifier,
    judgeFor: (policy) => createJudge(policy.judge),
    clock,
    log: parts.log ?? (() => {}),
    ...(parts.budgetTimer ? { budgetTimer: parts.budgetTimer } : {}),
  });
  return {
    config: parts.config,
    secrets: parts.secrets,
    engine,
    requests: parts.requests,
    clock,
    ...(parts.respond ? { respond: parts.respond } : {}),
    ...(parts.followUps ? { followUps: parts.followUps } : {}),
    ...(parts.openCommands ? { openCommands: true } : {}),
    ...(parts.github ? { github: parts.github } : {}),
  };
}

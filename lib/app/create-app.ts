import { createJudge } from '../analysis/create-judge.js';
import type { ClusterConnector } from '../cluster/cluster-connector.js';
import { createKubeWorkloads } from '../cluster/kube-workloads.js';
import type { EngineLog } from '../engine/engine-deps.js';
import { createEngine } from '../engine/rollout-engine.js';
import { createMetricSource } from '../metrics/create-metric-source.js';
import type { AviaryConfig } from '../model/config.js';
import type { Notifier } from '../notify/notifier.js';
import type { SlackResponder } from '../notify/slack-responder.js';
import { createTrafficRouter } from '../router/create-router.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { RolloutStore } from '../store/rollout-store.js';
import type { App, Secrets } from './app.js';

export interface AppParts {
  config: AviaryConfig;
  secrets: Secrets;
  store: RolloutStore;
  /** Fleet rollouts (same table); without it, deploy events naming a fleet are refused. */
  fleets?: FleetStore;
  connector: ClusterConnector;
  notifier: Notifier;
  clock?: () => number;
  log?: EngineLog;
  respond?: SlackResponder;
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
  });
  return {
    config: parts.config,
    secrets: parts.secrets,
    engine,
    clock,
    ...(parts.respond ? { respond: parts.respond } : {}),
  };
}

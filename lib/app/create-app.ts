import type { EngineLog } from '../engine/engine-deps.js';
import { createEngine } from '../engine/rollout-engine.js';
import type { GithubStatuses } from '../github/deployment-statuses.js';
import type { AviaryConfig } from '../model/config.js';
import type { FollowUps } from '../notify/follow-up.js';
import type { Notifier } from '../notify/notifier.js';
import type { SlackResponder } from '../notify/slack-responder.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { RequestLedger } from '../store/request-ledger.js';
import type { RolloutStore } from '../store/rollout-store.js';
import type { App, FunctionSecrets } from './app.js';

export interface AppParts {
  config: AviaryConfig;
  secrets: FunctionSecrets;
  store: RolloutStore;
  /** Fleet rollouts (same table); without it, deploy events naming a fleet are refused. */
  fleets?: FleetStore;
  requests: RequestLedger;
  notifier: Notifier;
  clock?: () => number;
  log?: EngineLog;
  respond?: SlackResponder;
  /** Where the Slack webhook hands the Slack work that follows its answer. */
  followUps?: FollowUps;
  openCommands?: boolean;
  github?: GithubStatuses;
}

/**
 * The composition of the HTTP and event functions (Lambda, `npm start`, the end-to-end tests): the store and the
 * notifier, no cluster access, so nothing here pulls a Kubernetes client into their bundles.
 */
export function createApp(parts: AppParts): App {
  const clock = parts.clock ?? Date.now;
  const engine = createEngine({
    config: parts.config,
    store: parts.store,
    ...(parts.fleets ? { fleets: parts.fleets } : {}),
    notifier: parts.notifier,
    clock,
    log: parts.log ?? (() => {}),
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

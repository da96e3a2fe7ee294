import type { ClusterEngine, Engine } from '../engine/engine.js';
import type { GithubStatuses } from '../github/deployment-statuses.js';
import type { AviaryConfig } from '../model/config.js';
import type { FollowUps } from '../notify/follow-up.js';
import type { SlackResponder } from '../notify/slack-responder.js';
import type { RequestLedger } from '../store/request-ledger.js';

/** Secrets: from the environment locally, from SSM Parameter Store / Secrets Manager on AWS. Never logged. */
export interface Secrets {
  deploySecret: string;
  slackSigningSecret: string;
  slackBotToken: string | null;
  githubWebhookSecret: string;
  /** Posts deployment statuses back to GitHub; without it GitHub hears nothing. */
  githubToken?: string | null;
  /** Or a GitHub App's private key (with GITHUB_APP_ID and GITHUB_APP_INSTALLATION_ID): installation tokens. */
  githubAppPrivateKey?: string | null;
  /** Signs the links that open the /ui pages without AWS credentials; without it those pages refuse (401). */
  viewSecret: string | null;
}

/** The secrets one function was composed with: each function fetches only those it uses. */
export type FunctionSecrets = Partial<Secrets>;

/**
 * What an HTTP or event function needs: the store and the notifier behind the engine, its own secrets. Built
 * from parts kept for the container's life; rebuilt when a refreshed secret changes.
 */
export interface App {
  config: AviaryConfig;
  secrets: FunctionSecrets;
  engine: Engine;
  /** Milliseconds since the epoch; injected so signatures and the core can be tested at fixed times. */
  clock: () => number;
  /** Signed webhook requests already accepted within their window: a copy is answered, never acted on again. */
  requests: RequestLedger;
  /** Private answers to Slack interactions Aviary refuses; absent where there is no Slack. */
  respond?: SlackResponder;
  /**
   * Where the Slack webhook hands the Slack work it must not wait for (message updates, private answers):
   * in-process locally, an asynchronous self-invocation on Lambda. Without it that work is done inline.
   */
  followUps?: FollowUps;
  /**
   * Local stack only (loopback): the commands API accepts callers without an IAM principal. Never set on AWS,
   * where the route's IAM authorizer names the caller.
   */
  openCommands?: boolean;
  /** GitHub deployment statuses (token configured); the route reports refused deployments through it. */
  github?: GithubStatuses;
  /** Local stack only (loopback): /ui pages open without a signed link. Never set on AWS. */
  openViews?: boolean;
}

/** What the scheduled tick needs: the cluster engine, which alone reaches clusters and metric sources. */
export interface ClusterEngineApp {
  config: AviaryConfig;
  clusterEngine: ClusterEngine;
  clock: () => number;
}

import type { Engine } from '../engine/engine.js';
import type { GithubStatuses } from '../github/deployment-statuses.js';
import type { AviaryConfig } from '../model/config.js';
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
  /** Signs the links that open the /ui pages without AWS credentials; without it those pages refuse (401). */
  viewSecret: string | null;
}

/** Everything a Lambda handler needs, built once per container (or once per `npm start`). */
export interface App {
  config: AviaryConfig;
  secrets: Secrets;
  engine: Engine;
  /** Milliseconds since the epoch; injected so signatures and the core can be tested at fixed times. */
  clock: () => number;
  /** Signed webhook requests already accepted within their window: a copy is answered, never acted on again. */
  requests: RequestLedger;
  /** Private answers to Slack interactions Aviary refuses; absent where there is no Slack. */
  respond?: SlackResponder;
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

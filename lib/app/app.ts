import type { Engine } from '../engine/engine.js';
import type { AviaryConfig } from '../model/config.js';
import type { SlackResponder } from '../notify/slack-responder.js';

/** Secrets: from the environment locally, from SSM Parameter Store / Secrets Manager on AWS. Never logged. */
export interface Secrets {
  deploySecret: string;
  slackSigningSecret: string;
  slackBotToken: string | null;
  githubWebhookSecret: string;
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
  /** Private answers to Slack interactions Aviary refuses; absent where there is no Slack. */
  respond?: SlackResponder;
  /** Local stack only (loopback): /ui pages open without a signed link. Never set on AWS. */
  openViews?: boolean;
}

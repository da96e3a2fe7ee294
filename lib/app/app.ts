import type { Engine, Fleet } from '../engine/engine.js';
import type { AviaryConfig } from '../model/config.js';
import type { SlackResponder } from '../notify/slack-responder.js';

/** Secrets: from the environment locally, from SSM Parameter Store / Secrets Manager on AWS. Never logged. */
export interface Secrets {
  deploySecret: string;
  slackSigningSecret: string;
  slackBotToken: string | null;
  githubWebhookSecret: string;
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
  /** Private answers to Slack interactions Aviary refuses; absent where there is no Slack. */
  respond?: SlackResponder;
}

/** What the scheduled tick needs: the fleet engine, which alone reaches clusters and metric sources. */
export interface FleetApp {
  config: AviaryConfig;
  fleet: Fleet;
  clock: () => number;
}

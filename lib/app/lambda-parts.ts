import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { packagedConfig } from '../config/packaged-config.js';
import type { EngineLog } from '../engine/engine-deps.js';
import type { GithubStatuses } from '../github/deployment-statuses.js';
import { githubStatusesFor } from '../github/github-auth.js';
import type { AviaryConfig } from '../model/config.js';
import { createEventBridgeNotifier } from '../notify/eventbridge-notifier.js';
import type { Notifier } from '../notify/notifier.js';
import { outboundNotifier, rolloutLogUrl } from '../notify/outbound-notifier.js';
import { createSlackNotifier } from '../notify/slack-notifier.js';
import { viewLinkUrl } from '../signatures/view-link.js';
import { DynamoDbFleetStore } from '../store/dynamodb-fleet-store.js';
import { DynamoDbRequestLedger } from '../store/dynamodb-request-ledger.js';
import { DynamoDbRolloutStore } from '../store/dynamodb-store.js';
import type { FunctionSecrets, Secrets } from './app.js';

/** The secrets every function that publishes a rollout's transitions needs (Slack, GitHub token or App key, view links). */
export const NOTIFIER_SECRETS = [
  'slackBotToken',
  'githubToken',
  'githubAppPrivateKey',
  'viewSecret',
] as const satisfies readonly (keyof Secrets)[];

/** What every Lambda function is built on: the configuration file and the rollouts table. */
export interface LambdaBase {
  config: AviaryConfig;
  store: DynamoDbRolloutStore;
  /** Fleet rollouts, in the same table. */
  fleets: DynamoDbFleetStore;
  requests: DynamoDbRequestLedger;
}

export function lambdaBase(tracer?: Tracer): LambdaBase {
  const doc = documentClient(tracer);
  const tableName = requiredTableName();
  return {
    config: packagedConfig(),
    store: new DynamoDbRolloutStore({ client: doc, tableName }),
    fleets: new DynamoDbFleetStore({ client: doc, tableName }),
    requests: new DynamoDbRequestLedger({ client: doc, tableName }),
  };
}

/** The client as is, or recorded in the function's X-Ray trace when it has a tracer. */
export function traced<T>(client: T, tracer?: Tracer): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** The rollouts table named by `TABLE_NAME`. */
export function lambdaStore(tracer?: Tracer): DynamoDbRolloutStore {
  return new DynamoDbRolloutStore({ client: documentClient(tracer), tableName: requiredTableName() });
}

function requiredTableName(): string {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  return tableName;
}

function documentClient(tracer?: Tracer): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(traced(new DynamoDBClient({}), tracer), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The engine's lines go through the function's own logger, so they carry its request id and cold start. */
export function engineLog(logger: Logger): EngineLog {
  return (level, message, data) => logger[level](message, data ?? {});
}

/**
 * Every transition out: Slack (bot token), GitHub deployment statuses (token or App key), EventBridge (the default bus or
 * `AVIARY_EVENT_BUS`; `AVIARY_EVENTS=off` puts none). Each only when configured.
 */
export function lambdaNotifier(
  secrets: FunctionSecrets,
  logger: Logger,
  tracer?: Tracer,
): { notifier: Notifier; github?: GithubStatuses } {
  const viewLink = slackViewLink(secrets.viewSecret ?? null, process.env.AVIARY_PUBLIC_URL);
  const slack: Notifier = secrets.slackBotToken
    ? createSlackNotifier({
        token: secrets.slackBotToken,
        log: (level, message, data) => logger[level](message, data),
        ...(viewLink ? { viewLink } : {}),
      })
    : { publish: async () => null };
  const github = githubStatusesFor(secrets, process.env);
  const notifier = outboundNotifier({
    slack,
    github,
    events:
      process.env.AVIARY_EVENTS === 'off'
        ? undefined
        : createEventBridgeNotifier({
            client: traced(new EventBridgeClient({}), tracer),
            ...(process.env.AVIARY_EVENT_BUS ? { eventBusName: process.env.AVIARY_EVENT_BUS } : {}),
          }),
    // GitHub's "View deployment" opens the rollout's page (signed view link), else the IAM-only JSON API.
    logUrl: viewLink ?? rolloutLogUrl(process.env.AVIARY_PUBLIC_URL),
    log: (message, data) => logger.warn(message, data),
  });
  return { notifier, ...(github ? { github } : {}) };
}

/** The "View timeline" link of Slack messages: the API's public URL (`AVIARY_PUBLIC_URL`) signed with the view secret. */
function slackViewLink(secret: string | null, publicUrl: string | undefined) {
  const base = publicUrl?.trim();
  if (!secret || !base) return undefined;
  return (rollout: { id: string }) =>
    viewLinkUrl(base, secret, { kind: 'rollout', id: rollout.id }, Date.now());
}

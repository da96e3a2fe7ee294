import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createClusterConnector } from '../cluster/create-connector.js';
import { loadConfig } from '../config/load-config.js';
import { githubStatusesFor } from '../github/github-auth.js';
import { createEventBridgeNotifier } from '../notify/eventbridge-notifier.js';
import { createLambdaFollowUps } from '../notify/lambda-follow-ups.js';
import type { Notifier } from '../notify/notifier.js';
import { outboundNotifier, rolloutLogUrl } from '../notify/outbound-notifier.js';
import { createSlackNotifier } from '../notify/slack-notifier.js';
import { createSlackResponder } from '../notify/slack-responder.js';
import { viewLinkUrl } from '../signatures/view-link.js';
import { DynamoDbFleetStore } from '../store/dynamodb-fleet-store.js';
import { DynamoDbRequestLedger } from '../store/dynamodb-request-ledger.js';
import { DynamoDbRolloutStore } from '../store/dynamodb-store.js';
import type { App } from './app.js';
import { createApp } from './create-app.js';
import { loadSecrets } from './secrets.js';

const logger = new Logger({ serviceName: 'aviary' });
let app: Promise<App> | undefined;

/** Built once per Lambda container; a failed build is retried on the next invocation. */
export function getLambdaApp(): Promise<App> {
  app ??= buildLambdaApp().catch((error: unknown) => {
    app = undefined;
    throw error;
  });
  return app;
}

async function buildLambdaApp(): Promise<App> {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  const config = loadConfig();
  const secrets = await loadSecrets();
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const slack: Notifier = secrets.slackBotToken
    ? createSlackNotifier({
        token: secrets.slackBotToken,
        log: (level, message, data) => logger[level](message, data),
        viewLink: slackViewLink(secrets.viewSecret, process.env.AVIARY_PUBLIC_URL),
      })
    : { publish: async () => null };
  const github = githubStatusesFor(secrets, process.env);
  const notifier = outboundNotifier({
    slack,
    github,
    // Every transition on the default bus (or AVIARY_EVENT_BUS); AVIARY_EVENTS=off puts none.
    events:
      process.env.AVIARY_EVENTS === 'off'
        ? undefined
        : createEventBridgeNotifier({
            client: new EventBridgeClient({}),
            ...(process.env.AVIARY_EVENT_BUS ? { eventBusName: process.env.AVIARY_EVENT_BUS } : {}),
          }),
    // GitHub's "View deployment" opens the rollout's page (signed view link), else the IAM-only JSON API.
    logUrl:
      slackViewLink(secrets.viewSecret, process.env.AVIARY_PUBLIC_URL) ??
      rolloutLogUrl(process.env.AVIARY_PUBLIC_URL),
    log: (message, data) => logger.warn(message, data),
  });
  return createApp({
    ...(github ? { github } : {}),
    config,
    secrets,
    store: new DynamoDbRolloutStore({ client: doc, tableName }),
    fleets: new DynamoDbFleetStore({ client: doc, tableName }),
    requests: new DynamoDbRequestLedger({ client: doc, tableName }),
    connector: createClusterConnector(),
    notifier,
    respond: createSlackResponder({ log: (level, message, data) => logger[level](message, data ?? {}) }),
    ...lambdaFollowUps(),
    log: (level, message, data) => logger[level](message, data ?? {}),
  });
}

/**
 * The Slack webhook's follow-ups: the function invokes itself asynchronously (its own name, from the runtime;
 * its role may invoke only itself). Other functions never enqueue any.
 */
function lambdaFollowUps(): { followUps?: ReturnType<typeof createLambdaFollowUps> } {
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  return functionName
    ? { followUps: createLambdaFollowUps({ client: new LambdaClient({}), functionName }) }
    : {};
}

/** The "View timeline" link of Slack messages: the API's public URL (`AVIARY_PUBLIC_URL`) signed with the view secret. */
function slackViewLink(secret: string | null, publicUrl: string | undefined) {
  const base = publicUrl?.trim();
  if (!secret || !base) return undefined;
  return (rollout: { id: string }) =>
    viewLinkUrl(base, secret, { kind: 'rollout', id: rollout.id }, Date.now());
}

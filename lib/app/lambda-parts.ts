import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../config/load-config.js';
import type { EngineLog } from '../engine/engine-deps.js';
import type { AviaryConfig } from '../model/config.js';
import type { Notifier } from '../notify/notifier.js';
import { createSlackNotifier } from '../notify/slack-notifier.js';
import { DynamoDbRolloutStore } from '../store/dynamodb-store.js';

/** What every Lambda function is built on: the configuration file and the rollouts table. */
export interface LambdaBase {
  config: AviaryConfig;
  store: DynamoDbRolloutStore;
}

export function lambdaBase(): LambdaBase {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { config: loadConfig(), store: new DynamoDbRolloutStore({ client: doc, tableName }) };
}

/** The engine's lines go through the function's own logger, so they carry its request id and cold start. */
export function engineLog(logger: Logger): EngineLog {
  return (level, message, data) => logger[level](message, data ?? {});
}

/** Slack messages when a bot token is configured, nothing otherwise. */
export function lambdaNotifier(token: string | null | undefined, logger: Logger): Notifier {
  return token
    ? createSlackNotifier({ token, log: (level, message, data) => logger[level](message, data) })
    : { publish: async () => null };
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
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

export function lambdaBase(tracer?: Tracer): LambdaBase {
  return { config: loadConfig(), store: lambdaStore(tracer) };
}

/** The client as is, or recorded in the function's X-Ray trace when it has a tracer. */
export function traced<T>(client: T, tracer?: Tracer): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** The rollouts table named by `TABLE_NAME`. */
export function lambdaStore(tracer?: Tracer): DynamoDbRolloutStore {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  const doc = DynamoDBDocumentClient.from(traced(new DynamoDBClient({}), tracer), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return new DynamoDbRolloutStore({ client: doc, tableName });
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

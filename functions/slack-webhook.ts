// POST /webhooks/slack — approval buttons and the /aviary slash command (Slack signature). The same function,
// invoked by itself asynchronously, does the Slack work that follows an answer (message updates, private replies).
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { App } from '../lib/app/app.js';
import { lambdaApp } from '../lib/app/lambda-app.js';
import { NOTIFIER_SECRETS, traced } from '../lib/app/lambda-parts.js';
import { runFollowUp } from '../lib/app/run-follow-up.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import type { HttpResult } from '../lib/http/json-response.js';
import { handleSlackWebhook } from '../lib/http/routes/slack-webhook.js';
import { followUpOf, selfInvokedFollowUps } from '../lib/notify/lambda-follow-ups.js';

export const makeSlackWebhookHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  tracer?: Tracer,
) => {
  const http = httpPipeline(getApp, handleSlackWebhook, logger, tracer);
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResult | undefined> => {
    const work = followUpOf(event);
    if (work) {
      // Thrown errors make Lambda retry the asynchronous invocation (twice), then drop it.
      await runFollowUp(await getApp(), work);
      logger.info('slack follow-up done', { kind: work.kind });
      return undefined;
    }
    return http(event, context);
  };
};

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
const tracer = new Tracer({ serviceName: 'aviary' });
export const handler = makeSlackWebhookHandler(
  lambdaApp({
    logger,
    tracer,
    secrets: ['slackSigningSecret', ...NOTIFIER_SECRETS],
    followUps: (t) => selfInvokedFollowUps(traced(new LambdaClient({}), t)),
  }),
  logger,
  tracer,
);

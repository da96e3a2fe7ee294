// POST /webhooks/slack — approval buttons and the /aviary slash command (Slack signature). The same function,
// invoked by itself asynchronously, does the Slack work that follows an answer (message updates, private replies).
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { App } from '../lib/app/app.js';
import { getLambdaApp } from '../lib/app/lambda-app.js';
import { runFollowUp } from '../lib/app/run-follow-up.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import type { HttpResult } from '../lib/http/json-response.js';
import { handleSlackWebhook } from '../lib/http/routes/slack-webhook.js';
import { followUpOf } from '../lib/notify/lambda-follow-ups.js';

export const makeSlackWebhookHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
) => {
  const http = httpPipeline(getApp, handleSlackWebhook, logger);
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

export const handler = makeSlackWebhookHandler(getLambdaApp);

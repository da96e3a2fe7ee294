// POST /webhooks/slack — approval buttons and the /aviary slash command (Slack signature).
import { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../lib/app/app.js';
import { getLambdaApp } from '../lib/app/lambda-app.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleSlackWebhook } from '../lib/http/routes/slack-webhook.js';

export const makeSlackWebhookHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
) => httpPipeline(getApp, handleSlackWebhook, logger);

export const handler = makeSlackWebhookHandler(getLambdaApp);

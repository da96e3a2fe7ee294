// POST /webhooks/deploy — CI announces a revision (Aviary HMAC signature).
import { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../lib/app/app.js';
import { getLambdaApp } from '../lib/app/lambda-app.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleDeployWebhook } from '../lib/http/routes/deploy-webhook.js';

export const makeDeployWebhookHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
) => httpPipeline(getApp, handleDeployWebhook, logger);

export const handler = makeDeployWebhookHandler(getLambdaApp);

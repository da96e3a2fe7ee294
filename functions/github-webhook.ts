// POST /webhooks/github — GitHub deployment events (X-Hub-Signature-256).
import { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../lib/app/app.js';
import { getLambdaApp } from '../lib/app/lambda-app.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleGithubWebhook } from '../lib/http/routes/github-webhook.js';

export const makeGithubWebhookHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
) => httpPipeline(getApp, handleGithubWebhook, logger);

export const handler = makeGithubWebhookHandler(getLambdaApp);

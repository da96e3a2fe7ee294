// POST /webhooks/github — GitHub deployment events (X-Hub-Signature-256).
import { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../lib/app/app.js';
import { lambdaApp } from '../lib/app/lambda-app.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleGithubWebhook } from '../lib/http/routes/github-webhook.js';

export const makeGithubWebhookHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
) => httpPipeline(getApp, handleGithubWebhook, logger);

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
export const handler = makeGithubWebhookHandler(
  lambdaApp({ logger, secrets: ['githubWebhookSecret', 'slackBotToken'] }),
  logger,
);

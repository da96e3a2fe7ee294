// POST /webhooks/github — GitHub deployment events (X-Hub-Signature-256).
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { App } from '../lib/app/app.js';
import { lambdaApp } from '../lib/app/lambda-app.js';
import { NOTIFIER_SECRETS } from '../lib/app/lambda-parts.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleGithubWebhook } from '../lib/http/routes/github-webhook.js';

export const makeGithubWebhookHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  tracer?: Tracer,
) => httpPipeline(getApp, handleGithubWebhook, logger, tracer);

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
const tracer = new Tracer({ serviceName: 'aviary' });
export const handler = makeGithubWebhookHandler(
  lambdaApp({ logger, tracer, secrets: ['githubWebhookSecret', ...NOTIFIER_SECRETS] }),
  logger,
  tracer,
);

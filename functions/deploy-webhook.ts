// POST /webhooks/deploy — CI announces a revision (Aviary HMAC signature).
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { App } from '../lib/app/app.js';
import { lambdaApp } from '../lib/app/lambda-app.js';
import { NOTIFIER_SECRETS } from '../lib/app/lambda-parts.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleDeployWebhook } from '../lib/http/routes/deploy-webhook.js';

export const makeDeployWebhookHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  tracer?: Tracer,
) => httpPipeline(getApp, handleDeployWebhook, logger, tracer);

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
const tracer = new Tracer({ serviceName: 'aviary' });
export const handler = makeDeployWebhookHandler(
  lambdaApp({ logger, tracer, secrets: ['deploySecret', ...NOTIFIER_SECRETS] }),
  logger,
  tracer,
);

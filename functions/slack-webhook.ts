// POST /webhooks/slack — approval buttons and the /aviary slash command (Slack signature).
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { App } from '../lib/app/app.js';
import { lambdaApp } from '../lib/app/lambda-app.js';
import { NOTIFIER_SECRETS } from '../lib/app/lambda-parts.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleSlackWebhook } from '../lib/http/routes/slack-webhook.js';

export const makeSlackWebhookHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  tracer?: Tracer,
) => httpPipeline(getApp, handleSlackWebhook, logger, tracer);

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
const tracer = new Tracer({ serviceName: 'aviary' });
export const handler = makeSlackWebhookHandler(
  lambdaApp({ logger, tracer, secrets: ['slackSigningSecret', ...NOTIFIER_SECRETS] }),
  logger,
  tracer,
);

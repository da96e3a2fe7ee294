// GET /rollouts and GET /rollouts/{id} — rollout status as JSON; GET /ui and GET /ui/rollouts/{id} — the pages.
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { App } from '../lib/app/app.js';
import { lambdaApp } from '../lib/app/lambda-app.js';
import { NOTIFIER_SECRETS } from '../lib/app/lambda-parts.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleRolloutsApi } from '../lib/http/routes/rollouts-api.js';
import { withUiPages } from '../lib/http/routes/ui-pages.js';

export const makeRolloutsApiHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  tracer?: Tracer,
) => httpPipeline(getApp, withUiPages(handleRolloutsApi), logger, tracer);

// The commands API publishes transitions and the /ui pages check view links: the notifier's secrets.
// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
const tracer = new Tracer({ serviceName: 'aviary' });
export const handler = makeRolloutsApiHandler(
  lambdaApp({ logger, tracer, secrets: NOTIFIER_SECRETS }),
  logger,
  tracer,
);

// GET /rollouts and GET /rollouts/{id} — rollout status as JSON.
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { App } from '../lib/app/app.js';
import { lambdaApp } from '../lib/app/lambda-app.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleRolloutsApi } from '../lib/http/routes/rollouts-api.js';

export const makeRolloutsApiHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  tracer?: Tracer,
) => httpPipeline(getApp, handleRolloutsApi, logger, tracer);

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
const tracer = new Tracer({ serviceName: 'aviary' });
export const handler = makeRolloutsApiHandler(lambdaApp({ logger, tracer, secrets: [] }), logger, tracer);

// GET /rollouts and GET /rollouts/{id} — rollout status as JSON; GET /ui and GET /ui/rollouts/{id} — the pages.
import { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../lib/app/app.js';
import { getLambdaApp } from '../lib/app/lambda-app.js';
import { httpPipeline } from '../lib/http/http-pipeline.js';
import { handleRolloutsApi } from '../lib/http/routes/rollouts-api.js';
import { withUiPages } from '../lib/http/routes/ui-pages.js';

export const makeRolloutsApiHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
) => httpPipeline(getApp, withUiPages(handleRolloutsApi), logger);

export const handler = makeRolloutsApiHandler(getLambdaApp);

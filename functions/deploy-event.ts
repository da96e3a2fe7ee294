// EventBridge rule "Aviary Deployment": CI puts the deploy webhook's body as `detail`; IAM guards PutEvents.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { App } from '../lib/app/app.js';
import { getLambdaApp } from '../lib/app/lambda-app.js';
import { started } from '../lib/engine/started.js';
import { DEFAULT_DEPLOY_EVENT_SOURCE, handleDeployEvent } from '../lib/http/routes/deploy-event.js';

export interface DeployEventOutcome {
  rollout: string;
  created: boolean;
}

/** Errors are thrown, not swallowed: Lambda retries, then the event lands in the dead-letter queue. */
export const makeDeployEventHandler = (
  getApp: () => Promise<App>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  source: string = process.env.AVIARY_DEPLOY_EVENT_SOURCE ?? DEFAULT_DEPLOY_EVENT_SOURCE,
) =>
  middy<unknown, DeployEventOutcome>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const result = await handleDeployEvent(await getApp(), event, logger, source);
      return { rollout: started(result).id, created: result.created };
    });

export const handler = makeDeployEventHandler(getLambdaApp);

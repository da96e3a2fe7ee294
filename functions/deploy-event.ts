// EventBridge rule "Aviary Deployment": CI puts the deploy webhook's body as `detail`; IAM guards PutEvents.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { App } from '../lib/app/app.js';
import { lambdaApp } from '../lib/app/lambda-app.js';
import { NOTIFIER_SECRETS } from '../lib/app/lambda-parts.js';
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
  tracer?: Tracer,
) =>
  middy<unknown, DeployEventOutcome>()
    // X-Ray: a segment per invocation, with the AWS SDK and HTTP calls made in it.
    .use(tracer ? [captureLambdaHandler(tracer)] : [])
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const result = await handleDeployEvent(await getApp(), event, logger, source);
      return { rollout: started(result).id, created: result.created };
    });

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
const tracer = new Tracer({ serviceName: 'aviary' });
export const handler = makeDeployEventHandler(
  lambdaApp({ logger, tracer, secrets: NOTIFIER_SECRETS }),
  logger,
  undefined,
  tracer,
);

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { App } from '../app/app.js';
import { type HttpApiEvent, HttpApiEventSchema } from './http-api-event.js';
import { HttpError } from './http-error.js';
import { jsonErrorResponses } from './json-error-middleware.js';
import type { HttpResult } from './json-response.js';

/** A route's logic: everything after the event is known to be an HTTP API payload 2.0 event. */
export type HttpRoute = (app: App, event: HttpApiEvent, logger: Logger) => Promise<HttpResult>;

/**
 * The middy pipeline every HTTP function shares: Lambda context in the logs, the event validated with zod,
 * the App built (once per container by `getApp`), errors answered as JSON.
 */
export function httpPipeline(getApp: () => Promise<App>, route: HttpRoute, logger: Logger, tracer?: Tracer) {
  const pipeline = middy<APIGatewayProxyEventV2, HttpResult>();
  // X-Ray: a segment per invocation, with the AWS SDK and HTTP calls made in it.
  if (tracer) pipeline.use(captureLambdaHandler(tracer));
  return pipeline
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(jsonErrorResponses(logger))
    .handler(async (event) => {
      const parsed = HttpApiEventSchema.safeParse(event);
      if (!parsed.success) {
        throw new HttpError(
          500,
          'invalid_event',
          'the function expects API Gateway HTTP API payload 2.0 events',
        );
      }
      const app = await getApp();
      const response = await route(app, parsed.data, logger);
      logger.info('request handled', { route: parsed.data.routeKey, status: response.statusCode });
      return response;
    });
}

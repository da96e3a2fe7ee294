import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { HttpError } from './http-error.js';
import { type HttpResult, responseForError } from './json-response.js';

/**
 * Turns anything a route throws into a JSON error response: HttpErrors with their status and code, anything
 * else as a 500 whose details stay in the log. Request bodies and secrets are never logged.
 */
export function jsonErrorResponses(logger: Logger): MiddlewareObj<unknown, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof HttpError && error.status < 500) {
        logger.warn('request refused', { status: error.status, code: error.code, reason: error.message });
      } else if (error instanceof Error) {
        logger.error('request failed', error);
      } else {
        logger.error('request failed', { error: String(error) });
      }
      request.response = responseForError(error);
    },
  };
}

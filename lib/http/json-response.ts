import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from './http-error.js';

/** What every HTTP route returns: API Gateway HTTP API (payload 2.0) structured result with a JSON body. */
export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return { statusCode: status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(status: number, code: string, message: string, details?: unknown): HttpResult {
  const error: ErrorBody['error'] = details === undefined ? { code, message } : { code, message, details };
  return jsonResponse(status, { error });
}

/** Stable error codes for the statuses the engine answers with. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_request',
};

export const codeForStatus = (status: number): string =>
  CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'error');

/** Any thrown value as a response: HttpErrors keep their status; anything else is a 500 that hides its message. */
export function responseForError(error: unknown): HttpResult {
  if (error instanceof HttpError)
    return errorResponse(error.status, error.code, error.message, error.details);
  return errorResponse(500, 'internal', 'internal error; see the function logs');
}

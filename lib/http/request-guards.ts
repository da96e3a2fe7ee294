import { header } from '../headers/header.js';
import type { HttpApiEvent } from './http-api-event.js';
import { HttpError } from './http-error.js';

/** Refuses a method the route does not serve (405 with `allow`). */
export function requireMethod(event: HttpApiEvent, ...allowed: string[]): void {
  const method = event.requestContext.http.method.toUpperCase();
  if (!allowed.includes(method)) {
    throw new HttpError(
      405,
      'method_not_allowed',
      `${method} is not allowed here; use ${allowed.join(' or ')}`,
      {
        allow: allowed,
      },
    );
  }
}

/** The media type of the body without parameters (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(event: HttpApiEvent): string | undefined {
  const value = header(event.headers, 'content-type');
  return value?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** Refuses a body in another media type (415). */
export function requireMediaType(event: HttpApiEvent, expected: string, hint?: string): void {
  const actual = mediaType(event);
  if (actual !== expected) {
    const got = actual ? `got ${actual}` : 'no Content-Type was sent';
    throw new HttpError(
      415,
      'unsupported_media_type',
      `expected Content-Type ${expected}, ${got}${hint ? `; ${hint}` : ''}`,
    );
  }
}

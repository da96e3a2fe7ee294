import type { HttpApiEvent } from './http-api-event.js';
import { HttpError } from './http-error.js';

/** Webhook bodies are small; anything larger is refused before it is hashed or parsed. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The request body exactly as the client sent it. HTTP API delivers non-text bodies (form posts from Slack)
 * base64-encoded; signatures are computed over the decoded bytes, so decode first.
 */
export function readRawBody(
  event: Pick<HttpApiEvent, 'body' | 'isBase64Encoded'>,
  limitBytes: number = DEFAULT_BODY_LIMIT_BYTES,
): Buffer {
  const body = event.body ?? '';
  if (!event.isBase64Encoded) {
    const bytes = Buffer.from(body, 'utf8');
    if (bytes.length > limitBytes) throw tooLarge(limitBytes);
    return bytes;
  }
  // Refuse on the encoded length first: no point decoding megabytes to then refuse them.
  if (Math.floor((body.length * 3) / 4) - 2 > limitBytes) throw tooLarge(limitBytes);
  const compact = body.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw new HttpError(
      400,
      'invalid_body_encoding',
      'the body is marked base64-encoded but is not valid base64',
    );
  }
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > limitBytes) throw tooLarge(limitBytes);
  return bytes;
}

const tooLarge = (limitBytes: number): HttpError =>
  new HttpError(413, 'payload_too_large', `the request body exceeds ${limitBytes} bytes`);

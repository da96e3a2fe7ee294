import { HttpError } from './http-error.js';
import { codeForStatus } from './json-response.js';

/** An engine's `{ok: false, status, error}` as the HTTP error to throw. */
export const engineRefusal = (result: { status: number; error: string }): HttpError =>
  new HttpError(result.status, codeForStatus(result.status), result.error);

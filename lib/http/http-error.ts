/**
 * A request Aviary refuses: thrown anywhere in a route and turned into `{error: {code, message, details?}}`
 * with `status` by the handlers' error middleware.
 */
export class HttpError extends Error {
  override name = 'HttpError';

  constructor(
    readonly status: number,
    /** Stable, machine-readable reason, e.g. `signature_invalid`, `payload_too_large`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

import { header } from '../headers/header.js';
import { constantTimeEqual, hmacSha256Hex } from './hmac-sha256.js';
import { SIGNATURE_OK, type SignatureCheck } from './signature-check.js';
import { checkTimestamp, DEFAULT_TOLERANCE_SECONDS } from './timestamp-window.js';

/**
 * Aviary's CI webhook signature: `X-Aviary-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`
 * with `X-Aviary-Timestamp` in unix seconds. Signing the timestamp with the body stops replays after the window.
 */
export const DEPLOY_TIMESTAMP_HEADER = 'X-Aviary-Timestamp';
export const DEPLOY_SIGNATURE_HEADER = 'X-Aviary-Signature';

const PREFIX = 'sha256=';

/** Headers a client sends with `body`; `nowMs` is milliseconds since the epoch. */
export function signDeployRequest(
  secret: string,
  body: string | Uint8Array,
  nowMs: number,
): { [DEPLOY_TIMESTAMP_HEADER]: string; [DEPLOY_SIGNATURE_HEADER]: string } {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [DEPLOY_TIMESTAMP_HEADER]: timestamp,
    [DEPLOY_SIGNATURE_HEADER]: `${PREFIX}${hmacSha256Hex(secret, timestamp, '.', body)}`,
  };
}

export interface DeployRequestToVerify {
  secret: string;
  headers: Record<string, string | undefined> | undefined;
  /** The raw body, exactly as received. */
  body: string | Uint8Array;
  nowMs: number;
  toleranceSeconds?: number;
}

export function verifyDeployRequest(request: DeployRequestToVerify): SignatureCheck {
  const signature = header(request.headers, DEPLOY_SIGNATURE_HEADER);
  if (!signature) {
    return { ok: false, code: 'signature_missing', message: `missing ${DEPLOY_SIGNATURE_HEADER} header` };
  }
  const timestamp = header(request.headers, DEPLOY_TIMESTAMP_HEADER);
  const window = checkTimestamp(
    timestamp,
    DEPLOY_TIMESTAMP_HEADER,
    request.nowMs,
    request.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
  );
  if (!window.ok) return window;
  if (!signature.startsWith(PREFIX)) {
    return {
      ok: false,
      code: 'signature_malformed',
      message: `${DEPLOY_SIGNATURE_HEADER} must be "sha256=<hex>"`,
    };
  }
  const expected = hmacSha256Hex(request.secret, (timestamp ?? '').trim(), '.', request.body);
  if (!constantTimeEqual(signature.slice(PREFIX.length).toLowerCase(), expected)) {
    return {
      ok: false,
      code: 'signature_invalid',
      message: `${DEPLOY_SIGNATURE_HEADER} does not match the body`,
    };
  }
  return SIGNATURE_OK;
}

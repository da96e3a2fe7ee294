import { header } from '../headers/header.js';
import { constantTimeEqual, hmacSha256Hex } from './hmac-sha256.js';
import { SIGNATURE_OK, type SignatureCheck } from './signature-check.js';
import { checkTimestamp, DEFAULT_TOLERANCE_SECONDS } from './timestamp-window.js';

/** Slack request signing: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{raw body}">`. */
export const SLACK_TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';
export const SLACK_SIGNATURE_HEADER = 'X-Slack-Signature';

const VERSION = 'v0';

/** Headers Slack would send with `body` at `nowMs` (for the local demo and tests). */
export function signSlackRequest(
  signingSecret: string,
  body: string | Uint8Array,
  nowMs: number,
): { [SLACK_TIMESTAMP_HEADER]: string; [SLACK_SIGNATURE_HEADER]: string } {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [SLACK_TIMESTAMP_HEADER]: timestamp,
    [SLACK_SIGNATURE_HEADER]: `${VERSION}=${hmacSha256Hex(signingSecret, `${VERSION}:${timestamp}:`, body)}`,
  };
}

export interface SlackRequestToVerify {
  signingSecret: string;
  headers: Record<string, string | undefined> | undefined;
  /** The raw body, decoded from base64 when API Gateway encoded it. */
  body: string | Uint8Array;
  nowMs: number;
  toleranceSeconds?: number;
}

export function verifySlackRequest(request: SlackRequestToVerify): SignatureCheck {
  const signature = header(request.headers, SLACK_SIGNATURE_HEADER);
  if (!signature) {
    return { ok: false, code: 'signature_missing', message: `missing ${SLACK_SIGNATURE_HEADER} header` };
  }
  const timestamp = header(request.headers, SLACK_TIMESTAMP_HEADER);
  const window = checkTimestamp(
    timestamp,
    SLACK_TIMESTAMP_HEADER,
    request.nowMs,
    request.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
  );
  if (!window.ok) return window;
  if (!signature.startsWith(`${VERSION}=`)) {
    return {
      ok: false,
      code: 'signature_malformed',
      message: `unknown ${SLACK_SIGNATURE_HEADER} version; expected v0=`,
    };
  }
  const expected = hmacSha256Hex(
    request.signingSecret,
    `${VERSION}:${(timestamp ?? '').trim()}:`,
    request.body,
  );
  if (!constantTimeEqual(signature.slice(VERSION.length + 1).toLowerCase(), expected)) {
    return {
      ok: false,
      code: 'signature_invalid',
      message: `${SLACK_SIGNATURE_HEADER} does not match the body`,
    };
  }
  return SIGNATURE_OK;
}

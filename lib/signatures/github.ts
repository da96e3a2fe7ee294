import { header } from '../headers/header.js';
import { constantTimeEqual, hmacSha256Hex } from './hmac-sha256.js';
import { SIGNATURE_OK, type SignatureCheck } from './signature-check.js';

/** GitHub webhook deliveries: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
export const GITHUB_SIGNATURE_HEADER = 'X-Hub-Signature-256';

const PREFIX = 'sha256=';

/** The header value GitHub would send for `body` (for tests and local demos). */
export function signGithubPayload(secret: string, body: string | Uint8Array): string {
  return `${PREFIX}${hmacSha256Hex(secret, body)}`;
}

export interface GithubDeliveryToVerify {
  secret: string;
  headers: Record<string, string | undefined> | undefined;
  body: string | Uint8Array;
}

/** GitHub signs no timestamp; replays are bounded by the engine, which remembers every delivery id it acted on. */
export function verifyGithubSignature(delivery: GithubDeliveryToVerify): SignatureCheck {
  const signature = header(delivery.headers, GITHUB_SIGNATURE_HEADER);
  if (!signature) {
    return { ok: false, code: 'signature_missing', message: `missing ${GITHUB_SIGNATURE_HEADER} header` };
  }
  if (!signature.startsWith(PREFIX)) {
    return {
      ok: false,
      code: 'signature_malformed',
      message: `${GITHUB_SIGNATURE_HEADER} must be "sha256=<hex>"`,
    };
  }
  const expected = hmacSha256Hex(delivery.secret, delivery.body);
  if (!constantTimeEqual(signature.slice(PREFIX.length).toLowerCase(), expected)) {
    return {
      ok: false,
      code: 'signature_invalid',
      message: `${GITHUB_SIGNATURE_HEADER} does not match the body`,
    };
  }
  return SIGNATURE_OK;
}

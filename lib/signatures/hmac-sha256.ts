import { createHmac, timingSafeEqual } from 'node:crypto';

/** Hex HMAC-SHA256 of the concatenated parts; strings are taken as UTF-8, buffers as they are. */
export function hmacSha256Hex(key: string, ...parts: (string | Uint8Array)[]): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/**
 * Constant-time string comparison. The expected values here are fixed-length hex digests, so an early
 * answer on a length mismatch reveals nothing an attacker does not already know.
 */
export function constantTimeEqual(actual: string, expected: string): boolean {
  const a = Buffer.from(actual, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

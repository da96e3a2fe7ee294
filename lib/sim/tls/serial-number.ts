import { randomBytes } from 'node:crypto';

/** A random 128-bit serial; the top bit is cleared because Go (kubectl) rejects negative serial numbers. */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

import { createHash } from 'node:crypto';

// The alphabet apimachinery's SafeEncodeString uses, so names look like `podinfo-7d9c8b6f5`.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A short stable hash of a pod template, as the suffix of its ReplicaSet's name. */
export function podTemplateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  return [...digest.subarray(0, 10)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

import type { LedgerClaim, RecordedAnswer, RequestLedger } from '../../lib/store/request-ledger.js';

/** The RequestLedger contract in a Map, for handler tests (the DynamoDB one is tested on DynamoDB Local). */
export function memoryLedger(): RequestLedger & { size(): number } {
  const entries = new Map<string, { expiresAtMs: number; answer?: RecordedAnswer }>();
  return {
    async claim(key, expiresAtMs, nowMs): Promise<LedgerClaim> {
      const seen = entries.get(key);
      if (!seen || seen.expiresAtMs < nowMs) {
        entries.set(key, { expiresAtMs });
        return { kind: 'first' };
      }
      return seen.answer ? { kind: 'replay', answer: seen.answer } : { kind: 'in_progress' };
    },
    async settle(key, answer) {
      const seen = entries.get(key);
      if (seen) seen.answer = answer;
    },
    async release(key) {
      entries.delete(key);
    },
    size: () => entries.size,
  };
}

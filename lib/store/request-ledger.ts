/** What a route answered: kept so that a replay of the same signed request gets the same answer. */
export interface RecordedAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export type LedgerClaim =
  /** Never seen (or its record expired): the caller acts, then settles or releases the claim. */
  | { kind: 'first' }
  /** Seen and answered: the caller answers the same, and acts on nothing. */
  | { kind: 'replay'; answer: RecordedAnswer }
  /** Seen, still being acted on by another invocation. */
  | { kind: 'in_progress' };

/**
 * Signed requests accepted within their timestamp window. A signature check alone lets an exact copy of a
 * request through as often as it is sent until the window closes; remembering each accepted request for the
 * window's length makes it act once. Keys are bounded (digests), never raw header values.
 */
export interface RequestLedger {
  /** Claims `key` until `expiresAtMs`; atomic, so of two concurrent copies exactly one is `first`. */
  claim(key: string, expiresAtMs: number, nowMs: number): Promise<LedgerClaim>;
  /** Records the answer given to the first copy. */
  settle(key: string, answer: RecordedAnswer): Promise<void>;
  /** Forgets a claim whose work failed (5xx), so a retry by the sender can act. */
  release(key: string): Promise<void>;
}

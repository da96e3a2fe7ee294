import { z } from 'zod';

export const FaultSettingsSchema = z
  .object({
    /** Added before every HTTP request is handled. */
    latencyMs: z.number().int().min(0).optional(),
    /** Every HTTP request fails: a 503 Status, or the connection is reset without an answer. */
    failAll: z.enum(['unavailable', 'reset']).optional(),
    /** The next N PUT/PATCH requests to trafficsplits or httproutes answer 409 Conflict. */
    conflictsOnNextWrites: z.number().int().min(0).optional(),
  })
  .strict();
export type FaultSettings = z.infer<typeof FaultSettingsSchema>;

/** What a fault policy is shown of each request, before it is handled. */
export interface FaultRequest {
  method: string;
  path: string;
  /** From `/namespaces/{ns}/…` in the path; undefined for cluster-scoped paths. */
  namespace: string | undefined;
  /** PUT, PATCH, POST or DELETE. */
  write: boolean;
}

/**
 * One request's fault, as a real API server or the network between would produce it:
 * - `status`: an error Status instead of handling the request (500 InternalError, 503 ServiceUnavailable, 504
 *   Timeout: the API server's own answer when etcd or a webhook does not answer in time); nothing changes.
 * - `conflict`: a write answered 409 Conflict (as after a concurrent writer); nothing changes. Ignored for reads.
 * - `reset`: the connection is dropped before the request is handled; nothing changes.
 * - `lostAnswer`: the request is handled (a write is applied), then the connection is dropped before the answer
 *   reaches the client, as when a client times out on a slow answer: the client cannot tell it took effect.
 */
export type RequestFault =
  | { kind: 'status'; code: 500 | 503 | 504 }
  | { kind: 'conflict' }
  | { kind: 'reset' }
  | { kind: 'lostAnswer' };

/** Decides each request's fault (null: none). Chaos runs draw from a seeded generator here. */
export type FaultPolicy = (request: FaultRequest) => RequestFault | null;

/** Faults in force. Each `set` replaces the previous settings; `set({})` clears them all. */
export class Faults {
  latencyMs = 0;
  failAll: FaultSettings['failAll'];
  private conflictsLeft = 0;
  /** Per-request faults, kept apart from `set` (which tests use for whole-server outages). */
  policy: FaultPolicy | null = null;

  set(settings: FaultSettings): void {
    const parsed = FaultSettingsSchema.safeParse(settings);
    if (!parsed.success) throw new Error(`invalid fault settings: ${z.prettifyError(parsed.error)}`);
    this.latencyMs = parsed.data.latencyMs ?? 0;
    this.failAll = parsed.data.failAll;
    this.conflictsLeft = parsed.data.conflictsOnNextWrites ?? 0;
  }

  /** Whether this write is one of the injected conflicts (and counts it). */
  takeConflict(): boolean {
    if (this.conflictsLeft === 0) return false;
    this.conflictsLeft -= 1;
    return true;
  }
}

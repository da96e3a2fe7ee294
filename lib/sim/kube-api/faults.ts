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

/** Faults in force. Each `set` replaces the previous settings; `set({})` clears them all. */
export class Faults {
  latencyMs = 0;
  failAll: FaultSettings['failAll'];
  private conflictsLeft = 0;

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

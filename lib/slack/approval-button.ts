import { z } from 'zod';
import { GateSchema, RevisionSchema } from '../model/rollout.js';

/** `action_id`s of Aviary's approval buttons; any other action in a payload is not Aviary's. */
export const APPROVE_ACTION_ID = 'aviary_approve';
export const REJECT_ACTION_ID = 'aviary_reject';

/**
 * What a button carries: a click approves exactly the rollout, revision and gate the message was rendered for,
 * so a click on an old message can never approve a newer revision.
 */
export const ApprovalButtonValueSchema = z
  .object({ rolloutId: z.string().min(1).max(128), revision: RevisionSchema, gate: GateSchema })
  .strict();
export type ApprovalButtonValue = z.infer<typeof ApprovalButtonValueSchema>;

export const encodeButtonValue = (value: ApprovalButtonValue): string =>
  JSON.stringify(ApprovalButtonValueSchema.parse(value));

/** The bound value of a click, or null when it is not JSON of the expected shape. */
export function decodeButtonValue(raw: string | undefined): ApprovalButtonValue | null {
  if (raw === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = ApprovalButtonValueSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

import { z } from 'zod';

/**
 * Work on Slack that a Slack request causes but must not wait for: Slack gives an interaction 3 seconds, and a
 * slow `chat.update` or `response_url` would make the person see "the app did not respond" although their
 * approval was recorded. The request is acknowledged first; this work runs after.
 */
export const FollowUpSchema = z.discriminatedUnion('kind', [
  /** Publish the rollout as stored (its Slack message, and every other outbound notification). */
  z.object({ kind: z.literal('publish'), rolloutId: z.string().min(1).max(128) }).strict(),
  /** Answer the person privately through the interaction's `response_url`. */
  z
    .object({ kind: z.literal('respond'), responseUrl: z.string().max(2048), text: z.string().max(4000) })
    .strict(),
]);
export type FollowUp = z.infer<typeof FollowUpSchema>;

/** Where follow-up work goes: run in-process locally, an asynchronous self-invocation on Lambda. */
export interface FollowUps {
  /** Resolves once the work is handed over (not done): the caller answers right after. */
  enqueue(work: FollowUp): Promise<void>;
}

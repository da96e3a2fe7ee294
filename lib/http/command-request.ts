import { z } from 'zod';
import { RevisionSchema } from '../model/rollout.js';

export const API_COMMANDS = [
  'approve',
  'reject',
  'pause',
  'resume',
  'abort',
  'promote',
  'retry',
  'unfreeze',
] as const;
export type ApiCommand = (typeof API_COMMANDS)[number];

/** The body of `POST /rollouts/{id}/commands`. */
export const CommandRequestSchema = z
  .object({
    command: z.enum(API_COMMANDS, { error: `must be one of ${API_COMMANDS.join(', ')}` }),
    reason: z.string().trim().min(1).max(500).optional(),
    /** The revision the caller means; a command for another revision is refused (409). */
    revision: RevisionSchema.optional(),
  })
  .strict();
export type CommandRequest = z.infer<typeof CommandRequestSchema>;

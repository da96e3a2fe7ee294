import { z } from 'zod';

const TargetName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and "-"')
  .max(63);

/** One wave: its targets are rolled out concurrently, each by its own canary rollout. */
export const WaveSchema = z
  .object({
    targets: z.array(TargetName).min(1),
    /** After every rollout of this wave succeeded, wait this long before the next wave may start. */
    bakeSeconds: z.number().int().min(0).default(0),
    /** Ask an approver before this wave starts (after the previous wave succeeded and baked). */
    approval: z.boolean().default(false),
  })
  .strict();
export type Wave = z.infer<typeof WaveSchema>;

/** A fleet: one revision taken across many targets (clusters), wave by wave. */
export const FleetSchema = z
  .object({
    waves: z.array(WaveSchema).min(1),
    /**
     * When a rollout of a later wave fails, also roll back the waves already promoted (to the revision each target
     * ran before the fleet rollout). Off by default: promoted waves stay as they are.
     */
    rollbackPromotedWaves: z.boolean().default(false),
    /** Slack user ids who may approve a wave or lift a freeze for the fleet; defaults to its targets' approvers. */
    approvers: z
      .array(z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id like U024BE7LH'))
      .default([]),
    /** Channel of the fleet's message; defaults to the first target's channel. */
    slackChannel: z.string().optional(),
    /** GitHub deployment environments that start this fleet. */
    githubEnvironments: z.array(z.string()).default([]),
  })
  .strict();
export type Fleet = z.infer<typeof FleetSchema>;

/** A fleet with its name: what the core works with. */
export interface ResolvedFleet extends Fleet {
  name: string;
}

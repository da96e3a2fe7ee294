import { z } from 'zod';
import { RevisionSchema } from '../model/rollout.js';

/**
 * What CI sends to start a rollout: the body of `POST /webhooks/deploy` and the `detail` of an
 * "Aviary Deployment" EventBridge event.
 */
export const DeployRequestSchema = z.object({
  target: z.string().min(1).max(63),
  revision: RevisionSchema,
  /** Image for the canary's first container; without it the canary's current image is rolled out. */
  image: z.string().min(1).max(512).regex(/^\S+$/, 'must not contain whitespace').nullish(),
  /** The CI environment name, for the logs. */
  environment: z.string().min(1).max(128).optional(),
  actor: z.string().min(1).max(128).optional(),
  /**
   * Replace the target's rollout even when it started from a newer announcement: a deliberate roll back to an
   * older revision. Without it, an announcement older than the latest one is refused (409).
   */
  force: z.boolean().optional(),
});
export type DeployRequest = z.infer<typeof DeployRequestSchema>;

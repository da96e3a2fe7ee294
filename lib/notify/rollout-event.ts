import { z } from 'zod';
import { PhaseSchema, type Rollout } from '../model/rollout.js';

export const EVENT_SOURCE = 'aviary';
export const EVENT_DETAIL_TYPE = 'Aviary Rollout State Change';

/** The `detail` of an "Aviary Rollout State Change" event: what EventBridge rules match on. */
export const RolloutEventDetailSchema = z.object({
  id: z.string(),
  target: z.string(),
  cluster: z.string(),
  revision: z.string(),
  image: z.string().nullable(),
  fromPhase: PhaseSchema,
  toPhase: PhaseSchema,
  /** Canary weight (percent) after the transition. */
  weight: z.number(),
  decision: z
    .object({ action: z.string(), rule: z.string(), reason: z.string(), actor: z.string().optional() })
    .nullable(),
  /** Milliseconds since the epoch of the decision. */
  at: z.number(),
});
export type RolloutEventDetail = z.infer<typeof RolloutEventDetailSchema>;

/** The event a rollout's latest transition makes; its decision explains it in plain words. */
export function rolloutEventDetail(rollout: Rollout): RolloutEventDetail {
  const d = rollout.lastDecision;
  return {
    id: rollout.id,
    target: rollout.target,
    cluster: rollout.cluster,
    revision: rollout.revision,
    image: rollout.image,
    fromPhase: d?.fromPhase ?? rollout.phase,
    toPhase: rollout.phase,
    weight: rollout.canaryWeight,
    decision: d
      ? {
          action: d.action,
          rule: d.rule,
          reason: d.explanation?.summary ?? d.reason,
          ...(d.actor ? { actor: d.actor } : {}),
        }
      : null,
    at: d?.at ?? rollout.updatedAt,
  };
}

import { z } from 'zod';
import { FreezeOverrideSchema } from './freeze.js';
import { type Phase, RevisionSchema, SourceSchema } from './rollout.js';

/**
 * Where a wave stands. `waiting`: not reached yet. `awaiting_approval`: reached, an approver must let it start.
 * `running`: its rollouts are under way. `baking`: all promoted, the bake time runs. `succeeded`: promoted and
 * baked. `failed`: one of its rollouts failed. `skipped`: never started because the fleet rollout stopped.
 * `reverting` / `reverted`: rolled back to the previous revision after a later wave failed (rollbackPromotedWaves).
 */
export const WAVE_STATUSES = [
  'waiting',
  'awaiting_approval',
  'running',
  'baking',
  'succeeded',
  'failed',
  'skipped',
  'reverting',
  'reverted',
] as const;
export const WaveStatusSchema = z.enum(WAVE_STATUSES);
export type WaveStatus = z.infer<typeof WaveStatusSchema>;

/** What a target ran before the fleet rollout reached it: where rollbackPromotedWaves goes back to. */
export const PreviousReleaseSchema = z.object({ revision: RevisionSchema, image: z.string().nullable() });
export type PreviousRelease = z.infer<typeof PreviousReleaseSchema>;

export const WaveStateSchema = z.object({
  /** Copied from the configuration when the fleet rollout starts: a later config change never reshapes it. */
  targets: z.array(z.string()).min(1),
  bakeSeconds: z.number().int().min(0),
  approval: z.boolean(),
  status: WaveStatusSchema,
  /** Target → the rollout the fleet started for it. */
  rollouts: z.record(z.string(), z.string()),
  /** Target → what it ran before (null when nothing was known to have succeeded there). */
  previous: z.record(z.string(), PreviousReleaseSchema.nullable()),
  /** Target → the rollout that takes it back to `previous`. */
  reverts: z.record(z.string(), z.string()),
  approvalRequestedAt: z.number().nullable(),
  approvedBy: z.object({ actor: z.string(), at: z.number(), reason: z.string().optional() }).nullable(),
  startedAt: z.number().nullable(),
  /** When every rollout of the wave had succeeded; the bake time counts from here. */
  promotedAt: z.number().nullable(),
});
export type WaveState = z.infer<typeof WaveStateSchema>;

export const FLEET_PHASES = [
  'progressing',
  'awaiting_approval',
  'rolling_back',
  'succeeded',
  'failed',
  'superseded',
] as const;
export const FleetPhaseSchema = z.enum(FLEET_PHASES);
export type FleetPhase = z.infer<typeof FleetPhaseSchema>;
export const TERMINAL_FLEET_PHASES: readonly FleetPhase[] = ['succeeded', 'failed', 'superseded'];
export const isFleetTerminal = (phase: FleetPhase): boolean => TERMINAL_FLEET_PHASES.includes(phase);

export const FleetDecisionSchema = z.object({
  at: z.number(),
  fromPhase: FleetPhaseSchema,
  toPhase: FleetPhaseSchema,
  /** The wave (1-based) the decision is about. */
  wave: z.number().int().min(1),
  action: z.enum([
    'start',
    'start_wave',
    'bake',
    'request_approval',
    'approve',
    'reject',
    'complete',
    'stop',
    'revert',
    'abort',
    'supersede',
    'unfreeze',
  ]),
  rule: z.string(),
  reason: z.string(),
  actor: z.string().optional(),
});
export type FleetDecision = z.infer<typeof FleetDecisionSchema>;

/** One revision taken across a fleet's waves. Stored beside the rollouts, written conditionally on `version`. */
export const FleetRolloutSchema = z.object({
  kind: z.literal('fleet'),
  id: z.string(),
  fleet: z.string(),
  revision: RevisionSchema,
  image: z.string().nullable(),
  source: SourceSchema,
  phase: FleetPhaseSchema,
  /** Index (0-based) of the wave the fleet rollout is at. */
  waveIndex: z.number().int().min(0),
  waves: z.array(WaveStateSchema).min(1),
  rollbackPromotedWaves: z.boolean(),
  version: z.number().int().min(1),
  createdAt: z.number(),
  updatedAt: z.number(),
  reason: z.string().nullable(),
  lastDecision: FleetDecisionSchema.nullable(),
  slack: z.object({ channel: z.string(), ts: z.string() }).nullable(),
  /** An approver lifted the freezes for the whole fleet rollout; its rollouts inherit it. */
  freezeOverride: FreezeOverrideSchema.nullish(),
});
export type FleetRollout = z.infer<typeof FleetRolloutSchema>;

/** What the fleet core reads of each member rollout. */
export interface FleetMember {
  id: string;
  target: string;
  phase: Phase;
  reason: string | null;
}

import { z } from 'zod';
import { ExplanationSchema } from './explanation.js';
import { FreezeOverrideSchema } from './freeze.js';
import { MetricsWindowSchema, WeightsSchema } from './observation.js';

export const PHASES = [
  'pending',
  'progressing',
  'awaiting_approval',
  'promoting',
  'succeeded',
  'rolling_back',
  'failed',
  'paused',
  'superseded',
] as const;
export const PhaseSchema = z.enum(PHASES);
export type Phase = z.infer<typeof PhaseSchema>;

/** Phases after which a rollout never changes again (besides history). */
export const TERMINAL_PHASES: readonly Phase[] = ['succeeded', 'failed', 'superseded'];
export const isTerminal = (p: Phase): boolean => TERMINAL_PHASES.includes(p);

/** A revision identifier as CI systems send it: git sha, tag, build number. */
export const RevisionSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"');

export const SourceSchema = z.object({
  kind: z.enum(['webhook', 'github', 'eventbridge', 'cli', 'api', 'slack', 'simulator']),
  deliveryId: z.string().optional(),
  actor: z.string().optional(),
});

export const GithubDeploymentRefSchema = z.object({
  /** `owner/name` */
  repository: z.string().max(200),
  deploymentId: z.number().int().positive(),
  environment: z.string().max(255),
});
export type GithubDeploymentRef = z.infer<typeof GithubDeploymentRefSchema>;

/**
 * Which gate an approval request is for; approvals are bound to (rollout id, revision, gate). `evidence`: the
 * progress deadline passed while the evidence stayed inconclusive, and a person chooses promote (approve) or
 * roll back (reject). `wave:N`: a fleet's wave N waits for a person before it starts.
 */
export const GateSchema = z.union([
  z.literal('promotion'),
  z.literal('evidence'),
  z.string().regex(/^(step|wave):\d+$/),
]);
export type Gate = z.infer<typeof GateSchema>;

export const PendingApprovalSchema = z.object({
  gate: GateSchema,
  revision: RevisionSchema,
  requestedAt: z.number(),
  expiresAt: z.number(),
  /** When people were reminded of it (once, at half the timeout). */
  remindedAt: z.number().optional(),
});
export type PendingApproval = z.infer<typeof PendingApprovalSchema>;

/** One decision of the core, stored with the inputs and the rule that fired. */
export const DecisionSchema = z.object({
  at: z.number(),
  /** Phase and step before the decision. */
  fromPhase: PhaseSchema,
  toPhase: PhaseSchema,
  stepIndex: z.number().int(),
  weight: z.number(),
  action: z.enum([
    'start',
    'wait',
    'advance',
    'hold',
    'rollback',
    'request_approval',
    'approve',
    'reject',
    'promote',
    'complete',
    'pause',
    'resume',
    'abort',
    'supersede',
    'unfreeze',
  ]),
  /** Rule id, e.g. `canary_not_ready`, `judge.pass`, `progress_deadline`, `traffic_share_mismatch`. */
  rule: z.string(),
  reason: z.string(),
  actor: z.string().optional(),
  metrics: MetricsWindowSchema.optional(),
  explanation: ExplanationSchema.optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;

export const RolloutSchema = z.object({
  id: z.string(),
  target: z.string(),
  cluster: z.string(),
  revision: RevisionSchema,
  /** Image to run in the canary, when the deploy event named one. */
  image: z.string().nullable(),
  source: SourceSchema,
  phase: PhaseSchema,
  /** Index into the policy's step weights; -1 before the first step. */
  stepIndex: z.number().int().min(-1),
  /** Intended canary weight (percent); the tick converges the router on it. */
  canaryWeight: z.number().min(0).max(100),
  /** Optimistic-concurrency version: every write is conditional on the previous value. */
  version: z.number().int().min(1),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Last time the rollout made progress; the progress deadline counts from here. */
  progressAt: z.number(),
  /** Earliest time of the next analysis. */
  nextCheckAt: z.number(),
  failedChecks: z.number().int().min(0),
  judgeState: z.record(z.string(), z.unknown()).optional(),
  approval: PendingApprovalSchema.nullable(),
  /** Phase to return to on resume. */
  pausedFrom: PhaseSchema.nullable(),
  /** Why the rollout ended (terminal phases) or is rolling back. */
  reason: z.string().nullable(),
  lastDecision: DecisionSchema.nullable(),
  /** Where the rollout's Slack message lives, so every transition updates it in place. */
  slack: z.object({ channel: z.string(), ts: z.string() }).nullable(),
  /**
   * Outbox: set by the state write of a transition that is to be published, removed once its message shows it.
   * A process that dies between the two leaves it set, and the next tick publishes the rollout again (the same
   * message updated, never a second one); a finished rollout stays in the tick's index until then.
   */
  publishPending: z.boolean().optional(),
  /**
   * The router's weights as the tick last read them (null until the first read): saved whenever they change,
   * with a decision or without one, so status shows the router's actual split beside the intended one.
   */
  observedWeights: WeightsSchema.nullable(),
  /** The freezes holding this rollout back, since when; cleared (with a decision) when they end. */
  freeze: z.object({ names: z.array(z.string()), reason: z.string(), since: z.number() }).nullish(),
  /** An approver lifted the freezes for this rollout, with the reason (audited in the history too). */
  freezeOverride: FreezeOverrideSchema.nullish(),
  /** The fleet rollout and wave (1-based) this rollout belongs to, when a fleet started it. */
  fleet: z.object({ id: z.string(), wave: z.number().int().min(1) }).nullish(),
  /** The rollout this one retries (same revision and image). */
  retryOf: z.string().optional(),
  /** The GitHub deployment that started it: Aviary posts its deployment statuses there. */
  github: GithubDeploymentRefSchema.optional(),
});
export type Rollout = z.infer<typeof RolloutSchema>;

export const COMMAND_KINDS = [
  'approve',
  'reject',
  'pause',
  'resume',
  'abort',
  'promote',
  'unfreeze',
] as const;

/** Operator commands from Slack (buttons, `/aviary`) and the API. */
export const CommandSchema = z.object({
  kind: z.enum(COMMAND_KINDS),
  actor: z.string(),
  /**
   * Who vouched for the actor. Slack users must be among the target's approvers; an `api` caller was
   * authorized by IAM on the route (its principal ARN is the actor), so the approver list does not apply.
   */
  via: z.enum(['slack', 'api']).optional(),
  /** For approve/reject from a button: the revision and gate the request was made for. */
  revision: RevisionSchema.optional(),
  gate: GateSchema.optional(),
  reason: z.string().max(500).optional(),
});
export type Command = z.infer<typeof CommandSchema>;

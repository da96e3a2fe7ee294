import { z } from 'zod';

/** Aviary's sequential judge (default): evidence-based, canary compared with primary. */
export const AviaryJudgeSchema = z
  .object({
    kind: z.literal('aviary'),
    /** Bound on the probability of rolling back a canary that is as good as the primary. */
    falseRollbackRate: z.number().gt(0).lt(0.5).default(0.01),
    /** Bound on the probability of promoting a canary that is worse by `errorRateMargin` or more. */
    missRate: z.number().gt(0).lt(0.5).default(0.05),
    /** Absolute increase of the error rate (0.01 = one percentage point) that counts as a regression. */
    errorRateMargin: z.number().gt(0).lt(1).default(0.01),
    /** Relative p99 increase over the primary that counts as a latency regression (0.2 = +20%). */
    latencyMargin: z.number().gt(0).default(0.2),
  })
  .strict();

/** Flagger's documented semantics: fixed thresholds per window; no data is a failed check. */
export const FlaggerJudgeSchema = z.object({ kind: z.literal('flagger') }).strict();

/** Argo Rollouts' AnalysisRun semantics. */
export const ArgoJudgeSchema = z
  .object({
    kind: z.literal('argo'),
    failureLimit: z.number().int().min(0).default(0),
    inconclusiveLimit: z.number().int().min(0).default(0),
    consecutiveErrorLimit: z.number().int().min(0).default(4),
  })
  .strict();

export const JudgeConfigSchema = z.discriminatedUnion('kind', [
  AviaryJudgeSchema,
  FlaggerJudgeSchema,
  ArgoJudgeSchema,
]);
export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;

export const ChecksSchema = z
  .object({
    /** Hard guard-rail: a window below this success rate (percent) fails at once. */
    minSuccessRate: z.number().min(0).max(100).default(99),
    /** Hard guard-rail: a window above this p99 latency (ms) fails at once. */
    maxP99LatencyMs: z.number().positive().default(500),
    /** Fewer canary requests than this in a window makes that window inconclusive (never a failure). */
    minRequests: z.number().int().min(0).default(20),
  })
  .strict();

export const ApprovalSchema = z
  .object({
    beforePromotion: z.boolean().default(true),
    beforeEachStep: z.boolean().default(false),
    timeoutSeconds: z.number().int().positive().default(3600),
  })
  .strict();

export const PolicySchema = z
  .object({
    stepWeight: z.number().int().min(1).max(100).optional(),
    maxWeight: z.number().int().min(1).max(100).optional(),
    stepWeights: z.array(z.number().int().min(1).max(100)).min(1).optional(),
    intervalSeconds: z.number().int().positive().default(60),
    checks: ChecksSchema.default(ChecksSchema.parse({})),
    /** Failed checks (Flagger semantics) before rollback. */
    failureThreshold: z.number().int().positive().default(5),
    approval: ApprovalSchema.default(ApprovalSchema.parse({})),
    /** Seconds a rollout may go without progress (canary not ready, inconclusive, waiting) before rollback. */
    progressDeadlineSeconds: z.number().int().positive().default(1800),
    /**
     * What to do when the progress deadline passes while the judge's evidence is still inconclusive (too few
     * requests, or neither bound crossed): `ask` a person (approval gate `evidence`: approve promotes, reject rolls
     * back), `rollback` or `promote`. A canary that fails on evidence is rolled back at once whatever this says.
     */
    onInconclusive: z.enum(['ask', 'rollback', 'promote']).default('ask'),
    judge: JudgeConfigSchema.default({
      kind: 'aviary',
      falseRollbackRate: 0.01,
      missRate: 0.05,
      errorRateMargin: 0.01,
      latencyMargin: 0.2,
    }),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.stepWeights === undefined && p.stepWeight === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'set either stepWeights or stepWeight (+ maxWeight)',
        path: ['stepWeights'],
      });
    }
    if (p.stepWeights !== undefined && p.stepWeight !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'stepWeights and stepWeight are exclusive',
        path: ['stepWeight'],
      });
    }
    if (p.stepWeights) {
      for (let i = 1; i < p.stepWeights.length; i++) {
        if ((p.stepWeights[i] ?? 0) <= (p.stepWeights[i - 1] ?? 0)) {
          ctx.addIssue({ code: 'custom', message: 'stepWeights must increase', path: ['stepWeights', i] });
        }
      }
    }
    if (p.maxWeight !== undefined && p.stepWeight !== undefined && p.stepWeight > p.maxWeight) {
      ctx.addIssue({ code: 'custom', message: 'stepWeight must not exceed maxWeight', path: ['stepWeight'] });
    }
  });
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

/** The canary weights of each step, e.g. stepWeight 10 + maxWeight 50 → [10, 20, 30, 40, 50]. */
export function stepWeightsOf(policy: Policy): number[] {
  if (policy.stepWeights) return policy.stepWeights;
  const step = policy.stepWeight ?? 10;
  const max = policy.maxWeight ?? 50;
  const out: number[] = [];
  for (let w = step; w <= max; w += step) out.push(w);
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}

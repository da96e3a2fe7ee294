import { z } from 'zod';
import type { JudgeState } from '../model/judge.js';
import { LatencyHistogramSchema } from '../model/observation.js';
import { DispersionStateSchema, emptyDispersion } from './failure-dispersion.js';

const CountsSchema = z.object({ requests: z.number().min(0), failures: z.number().min(0) });

/** One sequential test: ln likelihood ratios per alternative, accumulated since `fromStep` began. */
const TestSchema = z.object({
  fromStep: z.number().int(),
  errors: z.array(z.number()),
  latency: z.array(z.number()),
});
export type SequentialTest = z.infer<typeof TestSchema>;

/** What Aviary's judge keeps with the rollout between windows (plain JSON, stored in DynamoDB). */
export const AviaryJudgeStateSchema = z.object({
  judge: z.literal('aviary'),
  stepIndex: z.number().int(),
  /** Canary requests since the current step began. */
  stepRequests: z.number().min(0),
  windows: z.number().int().min(0),
  /** Whole-rollout totals. */
  canary: CountsSchema,
  primary: CountsSchema,
  /** The first test runs from the rollout's first window; one more starts with each later step. */
  tests: z.array(TestSchema).min(1),
  /** Whole-rollout ln likelihood ratio of the smallest latency regression, for promotion. */
  latencyLogLikelihoodRatio: z.number(),
  latencyWindows: z.number().int().min(0),
  /** Primary requests and Σ requests × σ̂ over windows with usable quantiles: the pooled log-normal shape. */
  latencyShape: z.object({ requests: z.number().min(0), weightedSigma: z.number().min(0) }),
  /** Windows since the current step began. */
  stepWindows: z.number().int().min(0),
  /**
   * Whole-rollout ln likelihood ratios of each ACCEPTANCE_SCALES regression against "as good as the primary", from
   * the same per-window comparison with the primary as the rollback test: what advancing and promoting rest on.
   */
  acceptance: z.array(z.number()),
  /** Each side's failure counts in blocks, for the failures' burst size (failure-dispersion.ts). */
  dispersion: DispersionStateSchema,
  canaryDispersion: DispersionStateSchema,
  /** The primary's latency buckets over the earlier windows, when the source gives buckets. */
  primaryHistogram: LatencyHistogramSchema.optional(),
});
export type AviaryJudgeState = z.infer<typeof AviaryJudgeStateSchema>;

export function newTest(
  fromStep: number,
  errorAlternatives: number,
  latencyAlternatives: number,
): SequentialTest {
  return {
    fromStep,
    errors: new Array<number>(errorAlternatives).fill(0),
    latency: new Array<number>(latencyAlternatives).fill(0),
  };
}

/**
 * The stored state, or a fresh one for the first window. A state that does not parse (another judge's, after a
 * policy change) also starts fresh: `reset` says so, for the explanation.
 */
export function readAviaryState(
  raw: JudgeState | undefined,
  stepIndex: number,
  errorAlternatives: number,
  latencyAlternatives: number,
  acceptanceScales: number,
): { state: AviaryJudgeState; reset: boolean } {
  const parsed = raw === undefined ? null : AviaryJudgeStateSchema.safeParse(raw);
  const fits =
    parsed?.success &&
    parsed.data.acceptance.length === acceptanceScales &&
    parsed.data.tests.every(
      (t) => t.errors.length === errorAlternatives && t.latency.length === latencyAlternatives,
    );
  if (parsed?.success && fits) return { state: structuredClone(parsed.data), reset: false };
  return {
    state: {
      judge: 'aviary',
      stepIndex,
      stepRequests: 0,
      windows: 0,
      canary: { requests: 0, failures: 0 },
      primary: { requests: 0, failures: 0 },
      tests: [newTest(stepIndex, errorAlternatives, latencyAlternatives)],
      latencyLogLikelihoodRatio: 0,
      latencyWindows: 0,
      latencyShape: { requests: 0, weightedSigma: 0 },
      stepWindows: 0,
      acceptance: new Array<number>(acceptanceScales).fill(0),
      dispersion: emptyDispersion(),
      canaryDispersion: emptyDispersion(),
    },
    reset: raw !== undefined,
  };
}

/** Keeps ln likelihood ratios finite (JSON has no Infinity) without changing any decision. */
export const clampLog = (v: number): number => Math.max(-1000, Math.min(1000, v));

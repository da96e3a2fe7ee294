import { z } from 'zod';
import type { Explanation } from '../model/explanation.js';
import type { Judge, JudgeResult } from '../model/judge.js';
import type { ArgoJudgeSchema } from '../model/policy.js';
import { checkThresholds } from './threshold-check.js';
import { failuresOf, requestsOf } from './workload-counts.js';

export type ArgoJudgeConfig = z.infer<typeof ArgoJudgeSchema>;

const ArgoStateSchema = z.object({
  judge: z.literal('argo'),
  failed: z.number().int().min(0),
  consecutiveErrors: z.number().int().min(0),
});
type ArgoState = z.infer<typeof ArgoStateSchema>;

/**
 * Argo Rollouts' AnalysisRun, one measurement per window, counted over the run:
 * - Error: the query returned nothing (no canary requests or no p99). More than `consecutiveErrorLimit`
 *   consecutive errors fail the analysis: rollback. Otherwise hold.
 * - No minimum-request rule: Argo evaluates its successCondition on whatever the query returned (a success rate
 *   over six requests is a success rate). With the success and failure conditions each other's negation, a
 *   measurement is never Inconclusive, so `inconclusiveLimit` never comes into play.
 * - Failed: success rate below `minSuccessRate` or p99 above `maxP99LatencyMs`. More than `failureLimit`
 *   fail the analysis: rollback. Otherwise a failed check that holds.
 * - Successful: advance.
 */
export function createArgoJudge(config: ArgoJudgeConfig): Judge {
  return ({ window, policy, weight, state: raw }) => {
    const parsed = ArgoStateSchema.safeParse(raw);
    const state: ArgoState = parsed.success
      ? { ...parsed.data }
      : { judge: 'argo', failed: 0, consecutiveErrors: 0 };
    const n = requestsOf(window.canary);
    const explain = (rule: string, summary: string): Explanation => ({
      judge: 'argo',
      rule,
      summary,
      inputs: {
        canaryRequests: n,
        canaryFailures: window.canary ? failuresOf(window.canary) : null,
        canaryP99Ms: window.canary?.p99Ms ?? null,
        weight,
        failed: state.failed,
        consecutiveErrors: state.consecutiveErrors,
      },
    });
    const result = (
      verdict: JudgeResult['verdict'],
      rollback: boolean,
      rule: string,
      summary: string,
    ): JudgeResult => ({
      verdict,
      rollback,
      explanation: explain(rule, summary),
      state,
    });
    const check = checkThresholds(window.canary, policy.checks);
    if (check.outcome === 'no_data') {
      state.consecutiveErrors += 1;
      if (state.consecutiveErrors > config.consecutiveErrorLimit) {
        return result(
          'fail',
          true,
          'argo.consecutive_errors',
          `measurement error (${check.reason}), ${state.consecutiveErrors} in a row > consecutiveErrorLimit ${config.consecutiveErrorLimit}; rolling back`,
        );
      }
      return result(
        'inconclusive',
        false,
        'argo.error',
        `measurement error (${check.reason}), ${state.consecutiveErrors} in a row; holding`,
      );
    }
    state.consecutiveErrors = 0;
    if (check.outcome === 'failed') {
      state.failed += 1;
      const rollback = state.failed > config.failureLimit;
      return result(
        'fail',
        rollback,
        `argo.failed.${check.rule}`,
        `failed measurement (${check.reason}), ${state.failed} failed vs failureLimit ${config.failureLimit}${rollback ? '; rolling back' : '; holding'}`,
      );
    }
    return result(
      'pass',
      false,
      'argo.successful',
      `successful measurement: success rate ${check.successRate.toFixed(2)}%, p99 ${check.p99Ms.toFixed(0)}ms; advancing`,
    );
  };
}

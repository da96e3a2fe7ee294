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
  inconclusive: z.number().int().min(0),
  consecutiveErrors: z.number().int().min(0),
  /** The analysis ended Inconclusive: the rollout stays paused until an operator acts. */
  paused: z.boolean(),
});
type ArgoState = z.infer<typeof ArgoStateSchema>;

/**
 * Argo Rollouts' AnalysisRun, one measurement per window, counted over the run:
 * - Error: the query returned nothing (no canary requests or no p99). More than `consecutiveErrorLimit`
 *   consecutive errors fail the analysis: rollback. Otherwise hold.
 * - Inconclusive: fewer than `checks.minRequests` canary requests (neither condition can be trusted). More than
 *   `inconclusiveLimit` make the analysis Inconclusive: the rollout pauses (holds) for good.
 * - Failed: success rate below `minSuccessRate` or p99 above `maxP99LatencyMs`. More than `failureLimit`
 *   fail the analysis: rollback. Otherwise a failed check that holds.
 * - Successful: advance.
 */
export function createArgoJudge(config: ArgoJudgeConfig): Judge {
  return ({ window, policy, weight, state: raw }) => {
    const parsed = ArgoStateSchema.safeParse(raw);
    const state: ArgoState = parsed.success
      ? { ...parsed.data }
      : { judge: 'argo', failed: 0, inconclusive: 0, consecutiveErrors: 0, paused: false };
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
        inconclusive: state.inconclusive,
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
    if (state.paused) {
      return result(
        'inconclusive',
        false,
        'argo.paused',
        'the analysis ended Inconclusive; the rollout stays paused until an operator acts',
      );
    }
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
    if (n < policy.checks.minRequests) {
      state.inconclusive += 1;
      if (state.inconclusive > config.inconclusiveLimit) {
        state.paused = true;
        return result(
          'inconclusive',
          false,
          'argo.inconclusive_limit',
          `inconclusive measurement (${Math.round(n)} < ${policy.checks.minRequests} requests), ${state.inconclusive} > inconclusiveLimit ${config.inconclusiveLimit}; rollout paused`,
        );
      }
      return result(
        'inconclusive',
        false,
        'argo.inconclusive',
        `inconclusive measurement (${Math.round(n)} < ${policy.checks.minRequests} requests); holding`,
      );
    }
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

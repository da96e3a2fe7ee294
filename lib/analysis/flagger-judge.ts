import { z } from 'zod';
import type { Explanation } from '../model/explanation.js';
import type { Judge, JudgeResult } from '../model/judge.js';
import { checkThresholds } from './threshold-check.js';
import { failuresOf, requestsOf } from './workload-counts.js';

const FlaggerStateSchema = z.object({ judge: z.literal('flagger'), failedChecks: z.number().int().min(0) });

/**
 * Flagger's documented analysis: each window's success rate and p99 against fixed thresholds; a window without
 * data is a failed check; failed checks add up over the whole run (advancing does not reset them) and the canary
 * is rolled back when they reach `failureThreshold`; a window that passes advances to the next step.
 */
export function createFlaggerJudge(): Judge {
  return ({ window, policy, weight, state }) => {
    const parsed = FlaggerStateSchema.safeParse(state);
    const failedChecks = parsed.success ? parsed.data.failedChecks : 0;
    const check = checkThresholds(window.canary, policy.checks);
    const inputs = {
      canaryRequests: requestsOf(window.canary),
      canaryFailures: window.canary ? failuresOf(window.canary) : null,
      canaryP99Ms: window.canary?.p99Ms ?? null,
      weight,
      failedChecks,
    };
    const explanation = (rule: string, summary: string, failed: number): Explanation => ({
      judge: 'flagger',
      rule,
      summary,
      inputs: { ...inputs, failedChecks: failed },
      statistic: { name: 'failed checks', value: failed },
      bound: { name: 'failureThreshold', value: policy.failureThreshold },
    });
    if (check.outcome === 'passed') {
      return {
        verdict: 'pass',
        rollback: false,
        explanation: explanation(
          'checks.passed',
          `success rate ${check.successRate.toFixed(2)}% ≥ ${policy.checks.minSuccessRate}% and p99 ${check.p99Ms.toFixed(0)}ms ≤ ${policy.checks.maxP99LatencyMs}ms; advancing`,
          failedChecks,
        ),
        state: { judge: 'flagger', failedChecks },
      } satisfies JudgeResult;
    }
    const failed = failedChecks + 1;
    const rollback = failed >= policy.failureThreshold;
    const rule = check.outcome === 'no_data' ? 'no_data' : `checks.${check.rule}`;
    const what = check.outcome === 'no_data' ? `${check.reason} (no data is a failed check)` : check.reason;
    return {
      verdict: 'fail',
      rollback,
      explanation: explanation(
        rule,
        `${what}: failed check ${failed} of ${policy.failureThreshold}${rollback ? '; rolling back' : '; holding'}`,
        failed,
      ),
      state: { judge: 'flagger', failedChecks: failed },
    };
  };
}

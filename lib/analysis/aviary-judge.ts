import type { z } from 'zod';
import type { Explanation } from '../model/explanation.js';
import type { Judge, JudgeInput, JudgeResult } from '../model/judge.js';
import { type AviaryJudgeSchema, stepWeightsOf } from '../model/policy.js';
import { type AviaryJudgeState, clampLog, newTest, readAviaryState } from './aviary-judge-state.js';
import { errorEvidence } from './error-evidence.js';
import { checkGuardRails } from './guard-rails.js';
import { LATENCY_MIN_REQUESTS, latencyEvidence } from './latency-evidence.js';
import { ERROR_ALTERNATIVES, LATENCY_ALTERNATIVES, type RollbackEvidence, rollbackEvidence } from './rollback-evidence.js';
import { bernoulliLogLikelihoodRatio, waldBounds } from './sprt.js';
import { failuresOf, requestsOf } from './workload-counts.js';

export type AviaryJudgeConfig = z.infer<typeof AviaryJudgeSchema>;

type Verdict = Pick<JudgeResult, 'verdict' | 'rollback'>;
const PASS: Verdict = { verdict: 'pass', rollback: false };
const HOLD: Verdict = { verdict: 'inconclusive', rollback: false };
const ROLLBACK: Verdict = { verdict: 'fail', rollback: true };

/**
 * Aviary's judge: a sequential test over the whole rollout, canary against primary.
 *
 * - Rolls back when the mixture likelihood ratio of "the canary is worse" reaches 1/falseRollbackRate
 *   (rollback-evidence.ts), or at once on a confident guard-rail breach (guard-rails.ts).
 * - Holds while evidence leans toward a regression, or while the step has fewer than `minRequests` canary requests,
 *   or when the canary served nothing in the window (traffic stopped: not a pass).
 * - Passes an intermediate step once it has `minRequests` canary requests and no such lean: steps are an
 *   exposure schedule, and the rollback test keeps running across them.
 * - Passes the last step (→ promotion) only when Wald's lower boundary is reached: the canary's error rate is
 *   within `errorRateMargin` of the primary's and, where windows are big enough to measure it, its p99 within
 *   `latencyMargin`, each with miss probability about `missRate`.
 */
export function createAviaryJudge(config: AviaryJudgeConfig): Judge {
  return (input) => judgeWindow(config, input);
}

function judgeWindow(config: AviaryJudgeConfig, input: JudgeInput): JudgeResult {
  const { window, policy, stepIndex, weight } = input;
  const alpha = config.falseRollbackRate;
  const stepCount = stepWeightsOf(policy).length;
  const { state, reset } = readAviaryState(input.state, stepIndex, ERROR_ALTERNATIVES.length, LATENCY_ALTERNATIVES.length);
  enterStep(state, stepIndex, stepCount);
  const canaryRequests = requestsOf(window.canary);
  const primaryRequests = requestsOf(window.primary);
  state.windows += 1;
  const base = {
    canaryRequests,
    canaryFailures: window.canary ? failuresOf(window.canary) : null,
    primaryRequests,
    primaryFailures: window.primary ? failuresOf(window.primary) : null,
    canaryP99Ms: window.canary?.p99Ms ?? null,
    primaryP99Ms: window.primary?.p99Ms ?? null,
    weight,
  };
  const note = reset ? ' (judge memory did not match this judge and was restarted)' : '';
  const explain = (rule: string, summary: string, extra: Partial<Explanation> = {}): Explanation => ({
    judge: 'aviary',
    rule,
    summary: summary + note,
    inputs: {
      ...base,
      stepRequests: state.stepRequests,
      rolloutCanaryRequests: state.canary.requests,
      rolloutCanaryFailures: state.canary.failures,
    },
    ...extra,
  });
  const done = (verdict: Verdict, explanation: Explanation): JudgeResult => ({ ...verdict, explanation, state });

  if (canaryRequests === 0) {
    return done(
      HOLD,
      explain(
        'no_data',
        `the canary served no requests in this ${window.windowSeconds}s window at ${weight}%; holding (no data is not a pass)`,
      ),
    );
  }

  const budget = 1 - policy.checks.minSuccessRate / 100;
  const errors = errorEvidence({
    canary: { requests: canaryRequests, failures: failuresOf(window.canary) },
    primary: primaryRequests > 0 ? { requests: primaryRequests, failures: failuresOf(window.primary) } : null,
    primaryHistory: state.primary,
    margin: config.errorRateMargin,
    budget,
    scales: ERROR_ALTERNATIVES.map((a) => a.scale),
  });
  const shifts = LATENCY_ALTERNATIVES.map((a) => a.scale * Math.log1p(config.latencyMargin));
  const latency = latencyEvidence(window.canary, window.primary, shifts);
  for (const test of state.tests) {
    errors.logLikelihoodRatios.forEach((llr, k) => {
      test.errors[k] = clampLog((test.errors[k] ?? 0) + llr);
    });
    latency?.logLikelihoodRatios.forEach((llr, k) => {
      test.latency[k] = clampLog((test.latency[k] ?? 0) + llr);
    });
  }
  if (latency) {
    state.latencyLogLikelihoodRatio = clampLog(state.latencyLogLikelihoodRatio + (latency.logLikelihoodRatios[0] ?? 0));
    state.latencyWindows += 1;
  }
  state.canary.requests += canaryRequests;
  state.canary.failures += failuresOf(window.canary);
  state.primary.requests += primaryRequests;
  state.primary.failures += failuresOf(window.primary);
  state.stepRequests += canaryRequests;

  const breach = checkGuardRails(window.canary, policy.checks, alpha);
  if (breach) {
    return done(
      ROLLBACK,
      explain(breach.rule, `${breach.summary}; rolling back`, {
        statistic: { name: breach.rule === 'guardrail.success_rate' ? 'success rate %' : 'p99 ms', value: breach.observed },
        bound: { name: breach.rule === 'guardrail.success_rate' ? 'minSuccessRate %' : 'maxP99LatencyMs', value: breach.limit },
      }),
    );
  }

  const evidence = rollbackEvidence(state.tests, stepCount);
  const noPrimary =
    errors.basis === 'prior'
      ? `; the primary had no data, so the canary was compared with a primary at the guard-rail's ${pct(errors.reference)} error rate`
      : '';
  const ratio = { name: 'evidence ratio (mixture likelihood ratio)', value: evidence.total };
  if (evidence.total >= 1 / alpha) {
    const kind = evidence.errors >= evidence.latency ? 'errors' : 'latency';
    const what =
      kind === 'errors'
        ? `canary error rate ${pct(state.canary.failures / state.canary.requests)} over ${Math.round(state.canary.requests)} requests vs primary ${pct(errors.reference)}`
        : `canary p99 ${fmtMs(window.canary?.p99Ms)} vs primary ${fmtMs(window.primary?.p99Ms)}`;
    return done(
      ROLLBACK,
      explain(
        `sprt.reject.${kind}`,
        `${what}: evidence ratio ${fmt(evidence.total)} reached ${fmt(1 / alpha)} (1/falseRollbackRate); rolling back${noPrimary}`,
        { statistic: ratio, bound: { name: '1/falseRollbackRate', value: 1 / alpha } },
      ),
    );
  }

  const holdLevel = 1 / Math.sqrt(alpha);
  if (state.stepRequests < policy.checks.minRequests) {
    return done(
      HOLD,
      explain(
        'insufficient_requests',
        `${Math.round(state.stepRequests)} canary requests at ${weight}% so far in this step, fewer than ${policy.checks.minRequests}; holding${noPrimary}`,
        { statistic: { name: 'canary requests in step', value: state.stepRequests }, bound: { name: 'minRequests', value: policy.checks.minRequests } },
      ),
    );
  }
  if (evidence.total >= holdLevel) {
    return done(
      HOLD,
      explain(
        'sprt.hold',
        `evidence leans toward a regression (ratio ${fmt(evidence.total)}, rollback at ${fmt(1 / alpha)}); holding at ${weight}%${noPrimary}`,
        { statistic: ratio, bound: { name: 'hold level √(1/falseRollbackRate)', value: holdLevel } },
      ),
    );
  }
  if (stepIndex < stepCount - 1) {
    return done(
      PASS,
      explain(
        'step.pass',
        `no sign of regression after ${Math.round(state.stepRequests)} canary requests at ${weight}% (evidence ratio ${fmt(evidence.total)}); next step${noPrimary}`,
        { statistic: ratio, bound: { name: 'hold level √(1/falseRollbackRate)', value: holdLevel } },
      ),
    );
  }
  return promotionVerdict(config, state, evidence, budget, explain, done, noPrimary);
}

/** The last step: promote only on Wald's acceptance boundary. */
function promotionVerdict(
  config: AviaryJudgeConfig,
  state: AviaryJudgeState,
  evidence: RollbackEvidence,
  budget: number,
  explain: (rule: string, summary: string, extra?: Partial<Explanation>) => Explanation,
  done: (verdict: Verdict, explanation: Explanation) => JudgeResult,
  noPrimary: string,
): JudgeResult {
  const { lower } = waldBounds(config.falseRollbackRate, config.missRate);
  // Against the primary's whole-rollout rate (the guard-rail's when it never had data): successes count here.
  const p0 = state.primary.requests > 0 ? Math.min((state.primary.failures + 0.5) / (state.primary.requests + 1), Math.max(budget, 1e-6)) : Math.max(budget, 1e-6);
  const p1 = Math.min(p0 + config.errorRateMargin, 0.999);
  const errorsLlr = bernoulliLogLikelihoodRatio(state.canary.failures, state.canary.requests - state.canary.failures, p0, p1);
  const latencyAssessed = state.latencyWindows > 0;
  const errorsOk = errorsLlr <= lower;
  const latencyOk = !latencyAssessed || state.latencyLogLikelihoodRatio <= lower;
  const margins = `${pct(config.errorRateMargin, 'pp')} on errors`;
  const latencyText = latencyAssessed
    ? `p99 ln LR ${fmt(state.latencyLogLikelihoodRatio)} over ${state.latencyWindows} windows`
    : `p99 not assessed (no window had ${LATENCY_MIN_REQUESTS}+ requests on both sides)`;
  const statistic = { name: 'ln likelihood ratio, errors (regression vs healthy)', value: errorsLlr };
  const bound = { name: 'ln(missRate / (1 − falseRollbackRate))', value: lower };
  const extra = {
    primaryErrorRate: p0,
    evidenceRatio: evidence.total,
    errorsLogLikelihoodRatio: errorsLlr,
    latencyLogLikelihoodRatio: latencyAssessed ? state.latencyLogLikelihoodRatio : null,
  };
  if (errorsOk && latencyOk) {
    const e = explain(
      'sprt.accept',
      `canary within ${margins} of the primary (ln LR ${fmt(errorsLlr)} ≤ ${fmt(lower)}), ${latencyText}; promoting${noPrimary}`,
      { statistic, bound },
    );
    return done(PASS, { ...e, inputs: { ...e.inputs, ...extra } });
  }
  const missing = [
    errorsOk ? null : `errors ln LR ${fmt(errorsLlr)} (promote at ≤ ${fmt(lower)})`,
    latencyOk ? null : `p99 ln LR ${fmt(state.latencyLogLikelihoodRatio)} (promote at ≤ ${fmt(lower)})`,
  ].filter((s) => s !== null);
  const e = explain(
    'sprt.continue',
    `not enough evidence to promote yet: ${missing.join(', ')}; holding${noPrimary}`,
    errorsOk ? { statistic: { name: 'ln likelihood ratio, p99 (regression vs healthy)', value: state.latencyLogLikelihoodRatio }, bound } : { statistic, bound },
  );
  return { verdict: 'inconclusive', rollback: false, explanation: { ...e, inputs: { ...e.inputs, ...extra } }, state };
}

/** A new step starts its own test (for regressions that begin late) while the earlier tests carry on. */
function enterStep(state: AviaryJudgeState, stepIndex: number, stepCount: number): void {
  if (state.stepIndex === stepIndex) return;
  state.stepIndex = stepIndex;
  state.stepRequests = 0;
  const known = state.tests.some((t) => t.fromStep === stepIndex);
  if (!known && state.tests.length < stepCount) {
    state.tests.push(newTest(stepIndex, ERROR_ALTERNATIVES.length, LATENCY_ALTERNATIVES.length));
  }
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toExponential(2) : v.toFixed(2));
const pct = (rate: number, unit = '%'): string => `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)}${unit}`;
const fmtMs = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : `${v.toFixed(0)}ms`);

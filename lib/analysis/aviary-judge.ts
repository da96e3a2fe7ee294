import type { z } from 'zod';
import type { Explanation } from '../model/explanation.js';
import type { Judge, JudgeInput, JudgeResult } from '../model/judge.js';
import type { WorkloadWindow } from '../model/observation.js';
import { type AviaryJudgeSchema, stepWeightsOf } from '../model/policy.js';
import {
  ACCEPTANCE_SCALES,
  acceptanceIndex,
  exclusionScale,
  windowAcceptanceLogLikelihoodRatios,
} from './acceptance-evidence.js';
import { type AviaryJudgeState, clampLog, newTest, readAviaryState } from './aviary-judge-state.js';
import { type ErrorEvidence, errorEvidence } from './error-evidence.js';
import { addWindow, burstMeanBound } from './failure-dispersion.js';
import { checkGuardRails, type GuardRailBreach } from './guard-rails.js';
import {
  addToReference,
  type HistogramLatencyEvidence,
  histogramLatencyEvidence,
} from './histogram-latency-evidence.js';
import { LATENCY_MIN_REQUESTS, latencyEvidence, primaryLogSigma } from './latency-evidence.js';
import { primaryRateEstimate } from './primary-rate.js';
import { ERROR_ALTERNATIVES, LATENCY_ALTERNATIVES, rollbackEvidence } from './rollback-evidence.js';
import { waldBounds } from './sprt.js';
import { failuresOf, requestsOf } from './workload-counts.js';

export type AviaryJudgeConfig = z.infer<typeof AviaryJudgeSchema>;

type Verdict = Pick<JudgeResult, 'verdict' | 'rollback'>;
const PASS: Verdict = { verdict: 'pass', rollback: false };
const HOLD: Verdict = { verdict: 'inconclusive', rollback: false };
const ROLLBACK: Verdict = { verdict: 'fail', rollback: true };
/** Failures seen on both sides before which one window's evidence is capped lower: too few to show any bursts. */
const EARLY_FAILURES = 8;

/**
 * Aviary's judge: sequential tests over the whole rollout, canary against primary (docs/analysis.md).
 *
 * - Rolls back when the mixture likelihood ratio of "the canary is worse" reaches 1/falseRollbackRate
 *   (rollback-evidence.ts): by Ville's inequality a canary as good as the primary is rolled back with
 *   probability at most falseRollbackRate over the whole rollout. Also rolls back at once on a confident
 *   guard-rail breach (guard-rails.ts).
 * - Holds (inconclusive) when the canary served nothing in the window (traffic stopped: not a pass), while the step
 *   has fewer than `minRequests` canary requests, while evidence leans toward a regression, and until the
 *   step's acceptance test is met.
 * - Passes a step once Wald's lower boundary rules out a regression of the step's size (acceptance-evidence.ts):
 *   a large one early, the margin itself at the last step — where promotion also needs the p99 test to accept
 *   if windows were big enough to measure p99. Before that, a canary whose failures favour a margin-sized
 *   regression over none is held at its weight, where the paired rollback test learns more per canary request,
 *   for at most half the progress deadline (`leansTowardRegression`). Holding and advancing never change the
 *   rollback rule, so they cannot weaken its false-rollback bound.
 */
export function createAviaryJudge(config: AviaryJudgeConfig): Judge {
  return (input) => judgeWindow(config, input);
}

interface Context {
  config: AviaryJudgeConfig;
  input: JudgeInput;
  state: AviaryJudgeState;
  stepCount: number;
  /** Appended to every summary: a state reset, a missing primary. */
  notes: string;
  /** This window's histogram latency test, when the source gave bucket counts. */
  histogram?: HistogramLatencyEvidence;
}

function judgeWindow(config: AviaryJudgeConfig, input: JudgeInput): JudgeResult {
  const { window, policy, stepIndex, weight } = input;
  const stepCount = stepWeightsOf(policy).length;
  const { state, reset } = readAviaryState(
    input.state,
    stepIndex,
    ERROR_ALTERNATIVES.length,
    LATENCY_ALTERNATIVES.length,
    ACCEPTANCE_SCALES.length,
  );
  enterStep(state, stepIndex, stepCount);
  state.windows += 1;
  state.stepWindows += 1;
  const ctx: Context = {
    config,
    input,
    state,
    stepCount,
    notes: reset ? ' (judge memory was not this judge’s and was restarted)' : '',
  };

  if (requestsOf(window.canary) === 0) {
    return result(
      ctx,
      HOLD,
      'no_data',
      `the canary served no requests in this ${window.windowSeconds}s window at ${weight}%; holding (no data is not a pass)`,
    );
  }
  const errors = accumulate(ctx);
  if (errors.basis === 'prior') {
    ctx.notes += `; the primary had no data, so the canary was compared with a primary at the guard-rail's ${pct(errors.reference)} error rate`;
  }

  const evidence = rollbackEvidence(state.tests, stepCount);
  const rejectAt = 1 / config.falseRollbackRate;
  const ratio = { name: 'evidence ratio (mixture likelihood ratio)', value: evidence.total };
  const breach = checkGuardRails(window.canary, policy.checks, config.falseRollbackRate);
  const shared = breach ? sharedBreach(breach, window.primary, policy.checks) : null;
  if (breach && !shared) {
    const rate = breach.rule === 'guardrail.success_rate';
    return result(ctx, ROLLBACK, breach.rule, `${breach.summary}; rolling back`, {
      statistic: { name: rate ? 'success rate %' : 'p99 ms', value: breach.observed },
      bound: { name: rate ? 'minSuccessRate %' : 'maxP99LatencyMs', value: breach.limit },
    });
  }
  if (breach && shared && evidence.total < rejectAt) {
    // Both sides breach the guard-rail alike: a shared dependency, not the canary. Only the comparison with the
    // primary (below) may roll back now, when the canary is significantly worse than the primary.
    return result(
      ctx,
      HOLD,
      'shared_incident',
      `${breach.summary}, but the primary breaches it too (${shared}): a shared incident, not the canary; ` +
        `the canary is not significantly worse than the primary (evidence ratio ${fmt(evidence.total)} < ${fmt(rejectAt)}); holding at ${weight}%`,
      { statistic: ratio, bound: { name: '1/falseRollbackRate', value: rejectAt } },
    );
  }
  if (evidence.total >= rejectAt) {
    const kind = evidence.errors >= evidence.latency ? 'errors' : 'latency';
    const what =
      kind === 'errors'
        ? `canary error rate ${pct(state.canary.failures / state.canary.requests)} over ${Math.round(state.canary.requests)} requests vs primary ${pct(errors.reference)}`
        : ctx.histogram
          ? `canary requests slower than ${ms(ctx.histogram.thresholdMs)} (the bucket holding the primary's p99): ${ctx.histogram.canarySlow} of ${Math.round(requestsOf(window.canary))} vs primary ${ctx.histogram.primarySlow} of ${Math.round(requestsOf(window.primary))} (histogram test on bucket counts)`
          : `canary p99 ${ms(window.canary?.p99Ms)} vs primary ${ms(window.primary?.p99Ms)}`;
    return result(
      ctx,
      ROLLBACK,
      `sprt.reject.${kind}`,
      `${what}: evidence ratio ${fmt(evidence.total)} reached ${fmt(rejectAt)} (1/falseRollbackRate); rolling back`,
      { statistic: ratio, bound: { name: '1/falseRollbackRate', value: rejectAt } },
    );
  }

  if (state.stepRequests < policy.checks.minRequests) {
    return result(
      ctx,
      HOLD,
      'insufficient_requests',
      `${Math.round(state.stepRequests)} canary requests at ${weight}% in this step so far, fewer than ${policy.checks.minRequests}; holding`,
      {
        statistic: { name: 'canary requests in step', value: state.stepRequests },
        bound: { name: 'minRequests', value: policy.checks.minRequests },
      },
    );
  }
  const holdAt = Math.sqrt(rejectAt);
  if (evidence.total >= holdAt) {
    return result(
      ctx,
      HOLD,
      'sprt.hold',
      `evidence leans toward a regression (ratio ${fmt(evidence.total)}; rollback at ${fmt(rejectAt)}); holding at ${weight}%`,
      { statistic: ratio, bound: { name: 'hold level √(1/falseRollbackRate)', value: holdAt } },
    );
  }
  return acceptance(ctx);
}

/** Adds the window to every running test and to the whole-rollout totals. */
function accumulate(ctx: Context): ErrorEvidence {
  const { config, input, state } = ctx;
  const { window, policy } = input;
  const canaryRequests = requestsOf(window.canary);
  const primaryRequests = requestsOf(window.primary);
  const budget = 1 - policy.checks.minSuccessRate / 100;
  // The burst size comes from earlier windows only: the window's own ratio must not choose its own tempering.
  const burstMean = burstMeanBound(state.dispersion, state.canaryDispersion);
  const canary = { requests: canaryRequests, failures: failuresOf(window.canary) };
  const primary =
    primaryRequests > 0 ? { requests: primaryRequests, failures: failuresOf(window.primary) } : null;
  const errors = errorEvidence({
    canary,
    primary,
    primaryHistory: state.primary,
    margin: config.errorRateMargin,
    budget,
    scales: ERROR_ALTERNATIVES.map((a) => a.scale),
    burstMean,
  });
  const accept = windowAcceptanceLogLikelihoodRatios({
    canary,
    primary,
    primaryHistory: state.primary,
    budget,
    margin: config.errorRateMargin,
    scales: ACCEPTANCE_SCALES,
    burstMean,
  });
  if (burstMean > 1) {
    ctx.notes += `; failures come in bursts (mean size up to ${burstMean.toFixed(1)}), so each failure weighs less`;
  }
  const latency = windowLatencyEvidence(ctx);
  // No window alone may roll back: its likelihood ratio is capped (E[min(L, c)] ≤ E[L] ≤ 1, so the bound holds),
  // at 1/α, and at √(1/α) while too few failures have been seen to show whether they come in bursts (fewer than
  // EARLY_FAILURES): a burst or two nobody could see coming do not decide, while a real regression keeps adding
  // evidence window after window.
  const seen = state.primary.failures + state.canary.failures;
  const cap = Math.log(1 / config.falseRollbackRate) / (seen < EARLY_FAILURES ? 2 : 1);
  const rollbackErrors = errors.logLikelihoodRatios.map((llr) => Math.min(cap, llr));
  for (const test of state.tests) {
    rollbackErrors.forEach((llr, k) => {
      test.errors[k] = clampLog((test.errors[k] ?? 0) + llr);
    });
    latency?.forEach((llr, k) => {
      test.latency[k] = clampLog((test.latency[k] ?? 0) + llr);
    });
  }
  // The acceptance test's evidence *for* a regression is capped too, at twice that: a burst nobody could see
  // coming yet (before the dispersion estimate catches up) would otherwise hold a healthy canary past the deadline.
  // Capping it only makes acceptance easier where one window's evidence was extreme, so it cannot touch the
  // rollback bound; what it costs in misses is measured (docs/analysis.md).
  accept.forEach((llr, k) => {
    state.acceptance[k] = clampLog((state.acceptance[k] ?? 0) + Math.min(2 * cap, llr));
  });
  if (latency) {
    state.latencyLogLikelihoodRatio = clampLog(state.latencyLogLikelihoodRatio + (latency[0] ?? 0));
    state.latencyWindows += 1;
  }
  if (primaryRequests > 0) {
    state.dispersion = addWindow(
      state.dispersion,
      Math.round(primaryRequests),
      Math.round(failuresOf(window.primary)),
      primaryRateEstimate(state.primary, budget),
    );
  }
  state.canaryDispersion = addWindow(
    state.canaryDispersion,
    Math.round(canaryRequests),
    Math.round(failuresOf(window.canary)),
    primaryRateEstimate(state.canary, budget),
  );
  state.primaryHistogram = addToReference(state.primaryHistogram, window.primary);
  state.canary.requests += canaryRequests;
  state.canary.failures += failuresOf(window.canary);
  state.primary.requests += primaryRequests;
  state.primary.failures += failuresOf(window.primary);
  state.stepRequests += canaryRequests;
  return errors;
}

/**
 * The window's latency log-likelihood ratios: from bucket counts when both sides have them (exact null,
 * histogram-latency-evidence.ts), from the log-normal model of p50/p99 only for sources that give quantiles alone.
 */
function windowLatencyEvidence(ctx: Context): number[] | null {
  const { config, input, state } = ctx;
  const { window } = input;
  const shifts = LATENCY_ALTERNATIVES.map((a) => a.scale * Math.log1p(config.latencyMargin));
  const problems = [
    window.canary?.latencyProblem && `canary: ${window.canary.latencyProblem}`,
    window.primary?.latencyProblem && `primary: ${window.primary.latencyProblem}`,
  ].filter(Boolean);
  if (problems.length > 0) {
    // The source could not read latency buckets: no latency evidence from this window, never a guess.
    ctx.notes += `; latency not assessed in this window (${problems.join('; ')})`;
    return null;
  }
  if (window.canary?.latencyHistogram || window.primary?.latencyHistogram) {
    // A source with buckets gets the histogram test only: its quantiles are interpolated from those buckets,
    // which the order-statistic model of latency-evidence.ts does not describe.
    const evidence = histogramLatencyEvidence(window.canary, window.primary, state.primaryHistogram, shifts);
    if (evidence) ctx.histogram = evidence;
    return evidence?.logLikelihoodRatios ?? null;
  }
  const primaryRequests = requestsOf(window.primary);
  const sigma = primaryLogSigma(window.primary);
  if (sigma !== null) {
    state.latencyShape.requests += primaryRequests;
    state.latencyShape.weightedSigma += primaryRequests * sigma;
  }
  const pooledSigma =
    state.latencyShape.requests > 0 ? state.latencyShape.weightedSigma / state.latencyShape.requests : 0;
  return latencyEvidence(window.canary, window.primary, shifts, pooledSigma)?.logLikelihoodRatios ?? null;
}

/** How the primary breaches the same guard-rail in the same window, in words; null when it does not. */
function sharedBreach(
  breach: GuardRailBreach,
  primary: WorkloadWindow | null,
  checks: JudgeInput['policy']['checks'],
): string | null {
  const n = requestsOf(primary);
  if (!primary || n === 0) return null;
  if (breach.rule === 'guardrail.success_rate') {
    const rate = (primary.successCount / n) * 100;
    return rate < checks.minSuccessRate ? `primary success rate ${rate.toFixed(2)}%` : null;
  }
  const p99 = primary.p99Ms;
  return p99 !== null && p99 > checks.maxP99LatencyMs ? `primary p99 ${p99.toFixed(0)}ms` : null;
}

/** Pass the step when its acceptance test is met; at the last step that means promotion. */
function acceptance(ctx: Context): JudgeResult {
  const { config, input, state, stepCount } = ctx;
  const { policy, stepIndex, weight } = input;
  const { lower } = waldBounds(config.falseRollbackRate, config.missRate);
  const asked = exclusionScale(stepWeightsOf(policy), stepIndex);
  const index = acceptanceIndex(asked);
  const scale = ACCEPTANCE_SCALES[index] ?? 1;
  const llr = state.acceptance[index] ?? 0;
  const regression = `+${pp(scale * config.errorRateMargin)}`;
  const bound = { name: 'ln(missRate / (1 − falseRollbackRate))', value: lower };
  const statistic = {
    name: `ln likelihood ratio, errors ${regression} vs as good as primary (paired with the primary's windows)`,
    value: llr,
  };
  const inputs = {
    primaryErrorRate: primaryRateEstimate(state.primary, 1 - policy.checks.minSuccessRate / 100),
    errorsLogLikelihoodRatio: llr,
    exclusionScale: scale,
  };
  const last = stepIndex >= stepCount - 1;
  if (llr > lower) {
    return result(
      ctx,
      HOLD,
      'sprt.continue',
      `${Math.round(state.canary.requests)} canary requests, compared window by window with the primary's, do not yet rule out a ${regression} error regression ` +
        `(ln LR ${fmt(llr)}, ${last ? 'promote' : 'advance'} at ≤ ${fmt(lower)}); holding at ${weight}%`,
      { statistic, bound },
      inputs,
    );
  }
  if (!last) {
    // Don't add traffic to a canary whose failures favour a margin-sized regression over none: the paired
    // rollback test settles it in fewer canary requests at this weight than at the next. Truncated after half
    // the progress deadline at this step, so this hold alone never runs a healthy canary that was unlucky early
    // into the core's deadline. At the last step the acceptance test above is this same test with a negative
    // boundary, so there is nothing to add.
    const lean = state.acceptance[acceptanceIndex(1)] ?? 0;
    const leanInputs = { ...inputs, marginLogLikelihoodRatio: lean };
    const margin = `+${pp(config.errorRateMargin)}`;
    const ruledOut =
      `${Math.round(state.canary.requests)} canary requests rule out a ${regression} error regression against the primary ` +
      `(ln LR ${fmt(llr)} ≤ ${fmt(lower)})`;
    if (lean > 0 && !halfDeadlineSpent(ctx)) {
      return result(
        ctx,
        HOLD,
        'sprt.hold.exposure',
        `${ruledOut}, but their failures favour a ${margin} regression over none (ln LR ${fmt(lean)} > 0); ` +
          `holding at ${weight}%, where the paired test needs fewer canary requests to settle it, for at most half the progress deadline`,
        {
          statistic: { name: `ln likelihood ratio, errors ${margin} vs as good as primary`, value: lean },
          bound: { name: 'advance at ≤ 0', value: 0 },
        },
        leanInputs,
      );
    }
    const truncated =
      lean > 0
        ? `; their failures still favour a ${margin} regression (ln LR ${fmt(lean)}), but that hold is truncated after half the progress deadline`
        : '';
    return result(
      ctx,
      PASS,
      'sprt.accept.step',
      `${ruledOut}${truncated}; next step`,
      { statistic, bound },
      leanInputs,
    );
  }
  return promotion(ctx, llr, { statistic, bound }, inputs);
}

/** The last step: errors ruled out; promotion also needs the p99 test where p99 could be measured. */
function promotion(
  ctx: Context,
  errorsLlr: number,
  errorExtra: Partial<Explanation>,
  inputs: Record<string, number>,
): JudgeResult {
  const { config, input, state } = ctx;
  const { weight } = input;
  const { lower } = waldBounds(config.falseRollbackRate, config.missRate);
  const llr = state.latencyLogLikelihoodRatio;
  const allInputs = { ...inputs, latencyLogLikelihoodRatio: state.latencyWindows > 0 ? llr : null };
  const errorsText = `error rate within ${pp(config.errorRateMargin)} of the primary (ln LR ${fmt(errorsLlr)} ≤ ${fmt(lower)})`;
  if (state.latencyWindows === 0) {
    return result(
      ctx,
      PASS,
      'sprt.accept',
      `${errorsText}; p99 not assessed (no window had ${LATENCY_MIN_REQUESTS}+ requests on both sides); promoting`,
      errorExtra,
      allInputs,
    );
  }
  const latencyExtra = {
    statistic: {
      name: `ln likelihood ratio, p99 +${Math.round(config.latencyMargin * 100)}% vs same`,
      value: llr,
    },
    bound: { name: 'ln(missRate / (1 − falseRollbackRate))', value: lower },
  };
  if (llr <= lower) {
    return result(
      ctx,
      PASS,
      'sprt.accept',
      `${errorsText} and p99 within ${Math.round(config.latencyMargin * 100)}% (ln LR ${fmt(llr)} over ${state.latencyWindows} windows); promoting`,
      latencyExtra,
      allInputs,
    );
  }
  // Few requests per window may never reach the boundary before the progress deadline: after half of it at the
  // last step the p99 test is truncated, and the sign of its evidence decides (Wald's truncated SPRT).
  if (halfDeadlineSpent(ctx) && llr <= 0) {
    return result(
      ctx,
      PASS,
      'sprt.accept.truncated',
      `${errorsText}; p99 test truncated after ${state.stepWindows} windows at ${weight}% with evidence favouring no regression (ln LR ${fmt(llr)} ≤ 0); promoting`,
      latencyExtra,
      allInputs,
    );
  }
  return result(
    ctx,
    HOLD,
    'sprt.continue',
    `${errorsText}, but p99 is not yet shown within ${Math.round(config.latencyMargin * 100)}% (ln LR ${fmt(llr)}, promote at ≤ ${fmt(lower)}); holding at ${weight}%`,
    latencyExtra,
    allInputs,
  );
}

function result(
  ctx: Context,
  verdict: Verdict,
  rule: string,
  summary: string,
  extra: Partial<Explanation> = {},
  moreInputs: Record<string, number | null> = {},
): JudgeResult {
  const { window, weight } = ctx.input;
  const { state } = ctx;
  return {
    ...verdict,
    state,
    explanation: {
      judge: 'aviary',
      rule,
      summary: summary + ctx.notes,
      inputs: {
        canaryRequests: requestsOf(window.canary),
        canaryFailures: window.canary ? failuresOf(window.canary) : null,
        primaryRequests: requestsOf(window.primary),
        primaryFailures: window.primary ? failuresOf(window.primary) : null,
        canaryP99Ms: window.canary?.p99Ms ?? null,
        primaryP99Ms: window.primary?.p99Ms ?? null,
        weight,
        stepRequests: state.stepRequests,
        rolloutCanaryRequests: state.canary.requests,
        rolloutCanaryFailures: state.canary.failures,
        ...moreInputs,
      },
      ...extra,
    },
  };
}

/** Half the progress deadline has passed at this step: holds that could wait longer are truncated. */
function halfDeadlineSpent(ctx: Context): boolean {
  const { policy } = ctx.input;
  return ctx.state.stepWindows * policy.intervalSeconds >= policy.progressDeadlineSeconds / 2;
}

/** A new step starts its own rollback test (for regressions that begin late); the earlier tests carry on. */
function enterStep(state: AviaryJudgeState, stepIndex: number, stepCount: number): void {
  if (state.stepIndex === stepIndex) return;
  state.stepIndex = stepIndex;
  state.stepRequests = 0;
  state.stepWindows = 0;
  const known = state.tests.some((t) => t.fromStep === stepIndex);
  if (!known && state.tests.length < stepCount) {
    state.tests.push(newTest(stepIndex, ERROR_ALTERNATIVES.length, LATENCY_ALTERNATIVES.length));
  }
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? v.toExponential(2) : v.toFixed(2));
const pct = (rate: number): string => `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)}%`;
const pp = (rate: number): string => `${+(rate * 100).toFixed(2)}pp`;
const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? 'n/a' : `${v.toFixed(0)}ms`;

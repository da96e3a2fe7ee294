import type { Explanation } from '../model/explanation.js';
import type { Decision } from '../model/rollout.js';

/** One line of evidence as a person reads it, with the statistic beside it for experts. */
export interface EvidenceLine {
  topic: 'errors' | 'latency' | 'traffic';
  words: string;
}

export interface DecisionInWords {
  /** What happened, e.g. "Advanced to 25%", "Approved by U0AVIARY01". */
  headline: string;
  /** Why, in the judge's or the core's own sentence. */
  why: string;
  evidence: EvidenceLine[];
  /** The statistic and the bound it was compared with, e.g. "ln LR −4.58 ≤ −2.99"; null without one. */
  expert: string | null;
}

/**
 * A decision in plain words: the headline says what Aviary did, the evidence lines say what it knew about errors
 * and latency ("as good as the primary", "not yet shown"), the expert line keeps the number it acted on.
 * `nextWeight` is the weight an advance moved to (the decision records the weight it was taken at).
 */
export function decisionInWords(decision: Decision, nextWeight?: number): DecisionInWords {
  const explanation = decision.explanation;
  return {
    headline: headline(decision, nextWeight),
    why: explanation?.summary ?? decision.reason,
    evidence: explanation ? evidenceInWords(explanation) : [],
    expert: explanation ? expertLine(explanation) : null,
  };
}

function headline(d: Decision, nextWeight: number | undefined): string {
  const by = d.actor ? ` by ${d.actor}` : '';
  switch (d.action) {
    case 'start':
      return `Started${by}`;
    case 'wait':
      return 'Waiting for the canary';
    case 'advance':
      return nextWeight === undefined ? 'Advanced' : `Advanced to ${nextWeight}%`;
    case 'hold':
      return d.fromPhase === 'awaiting_approval'
        ? `Checked at ${d.weight}% while awaiting approval`
        : `Held at ${d.weight}%`;
    case 'request_approval':
      return d.reason.includes('approval requested for promotion')
        ? 'Approval asked for promotion'
        : 'Approval asked for the next step';
    case 'approve':
      return `Approved${by}`;
    case 'reject':
      return `Rejected${by}`;
    case 'rollback':
      return `Rolling back from ${d.weight}%`;
    case 'promote':
      return d.weight > 0 && d.rule !== 'primary_available' ? 'Promoting' : 'Primary updated';
    case 'complete':
      return d.rule === 'promoted' ? 'Promoted' : 'Rolled back';
    case 'pause':
      return `Paused${by}`;
    case 'resume':
      return `Resumed${by}`;
    case 'abort':
      return `Aborted${by}`;
    case 'supersede':
      return 'Superseded by a newer revision';
    case 'unfreeze':
      return `Freeze lifted${by}`;
  }
}

const ruledOut = (statisticName: string | undefined): string => {
  const size = statisticName?.match(/errors (\+[\d.]+ ?pp)/)?.[1];
  return size ? ` (ruled out ${size.replace(' ', '')})` : '';
};

const latencyMargin = (statisticName: string | undefined): string => {
  const size = statisticName?.match(/p99 (\+\d+%)/)?.[1];
  return size ? ` (ruled out ${size})` : '';
};

/** Evidence lines by the judge's rule; rules this page does not know fall back to the judge's summary. */
export function evidenceInWords(e: Explanation): EvidenceLine[] {
  const name = e.statistic?.name;
  const asGood = `as good as the primary${ruledOut(name)}`;
  const rule = e.rule;
  if (rule === 'no_data')
    return [
      { topic: 'traffic', words: 'the canary served no requests in this window (no data is not a pass)' },
    ];
  if (rule === 'insufficient_requests')
    return [
      {
        topic: 'traffic',
        words: `too few canary requests yet${e.bound ? ` (need ${e.bound.value} in the step)` : ''}`,
      },
    ];
  if (rule === 'guardrail.success_rate' || rule === 'checks.success_rate' || rule.endsWith('.success_rate'))
    return [
      {
        topic: 'errors',
        words:
          e.statistic && e.bound
            ? `success rate ${num(e.statistic.value)}% is below the ${num(e.bound.value)}% guard-rail`
            : 'success rate below the guard-rail',
      },
    ];
  if (rule === 'guardrail.p99_latency' || rule === 'checks.latency' || rule.endsWith('.latency'))
    return [
      {
        topic: 'latency',
        words:
          e.statistic && e.bound
            ? `p99 ${num(e.statistic.value)}ms is above the ${num(e.bound.value)}ms guard-rail`
            : 'p99 latency above the guard-rail',
      },
    ];
  if (rule === 'sprt.reject.errors')
    return [{ topic: 'errors', words: 'worse than the primary (enough evidence to roll back)' }];
  if (rule === 'sprt.reject.latency')
    return [{ topic: 'latency', words: 'slower than the primary (enough evidence to roll back)' }];
  if (rule === 'sprt.hold')
    return [
      {
        topic: 'errors',
        words: 'leaning toward worse than the primary; watching closer before adding traffic',
      },
    ];
  if (rule === 'sprt.hold.exposure')
    return [
      {
        topic: 'errors',
        words: `${asGood}, but failures lean toward a small regression; holding the weight`,
      },
    ];
  if (rule === 'sprt.accept.step')
    return [
      { topic: 'errors', words: asGood },
      { topic: 'latency', words: 'judged before promotion' },
    ];
  if (rule === 'sprt.accept' || rule === 'sprt.accept.truncated') {
    const latency = name?.includes('p99')
      ? rule === 'sprt.accept'
        ? `as fast as the primary${latencyMargin(name)}`
        : 'no sign of being slower (test stopped at its time limit)'
      : 'not assessed (too few requests per window to measure p99)';
    return [
      { topic: 'errors', words: name?.includes('p99') ? 'as good as the primary' : asGood },
      { topic: 'latency', words: latency },
    ];
  }
  if (rule === 'sprt.continue') {
    if (name?.includes('p99'))
      return [
        { topic: 'errors', words: 'as good as the primary' },
        { topic: 'latency', words: 'not yet shown' },
      ];
    return [
      { topic: 'errors', words: 'not yet shown as good as the primary' },
      { topic: 'latency', words: 'not yet shown' },
    ];
  }
  if (rule === 'pass' || rule.endsWith('.pass') || rule.startsWith('checks.passed'))
    return [{ topic: 'errors', words: 'within the configured checks' }];
  return [];
}

const num = (v: number): string =>
  Math.abs(v) >= 1000 ? v.toExponential(2) : Number.isInteger(v) ? String(v) : v.toFixed(2);

/** Expert line: "ln LR, errors +1pp vs as good as primary −4.58 (bound −2.99)". Minus signs are typographic. */
export function expertLine(e: Explanation): string | null {
  if (!e.statistic) return null;
  const value = num(e.statistic.value).replace(/^-/, '−');
  const bound = e.bound ? `; ${e.bound.name} ${num(e.bound.value).replace(/^-/, '−')}` : '';
  return `${e.statistic.name} = ${value}${bound}`;
}

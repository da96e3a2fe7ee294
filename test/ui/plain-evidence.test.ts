import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../lib/model/explanation.js';
import type { Decision } from '../../lib/model/rollout.js';
import { decisionInWords, evidenceInWords, expertLine } from '../../lib/ui/plain-evidence.js';

const explanation = (rule: string, extra: Partial<Explanation> = {}): Explanation => ({
  judge: 'aviary',
  rule,
  summary: `summary of ${rule}`,
  inputs: {},
  ...extra,
});
const LLR_ERRORS = { name: 'ln likelihood ratio, errors +1pp vs as good as primary', value: -4.58 };
const LLR_P99 = { name: 'ln likelihood ratio, p99 +20% vs same', value: -3.5 };
const BOUND = { name: 'ln(missRate / (1 − falseRollbackRate))', value: -2.99 };

describe('evidence in plain words', () => {
  it.each([
    [
      explanation('sprt.accept.step', { statistic: LLR_ERRORS, bound: BOUND }),
      ['errors: as good as the primary (ruled out +1pp)', 'latency: judged before promotion'],
    ],
    [
      explanation('sprt.accept', { statistic: LLR_P99, bound: BOUND }),
      ['errors: as good as the primary', 'latency: as fast as the primary (ruled out +20%)'],
    ],
    [
      explanation('sprt.accept', { statistic: LLR_ERRORS, bound: BOUND }),
      [
        'errors: as good as the primary (ruled out +1pp)',
        'latency: not assessed (too few requests per window to measure p99)',
      ],
    ],
    [
      explanation('sprt.continue', { statistic: LLR_ERRORS }),
      ['errors: not yet shown as good as the primary', 'latency: not yet shown'],
    ],
    [
      explanation('sprt.continue', { statistic: LLR_P99 }),
      ['errors: as good as the primary', 'latency: not yet shown'],
    ],
    [explanation('sprt.reject.errors'), ['errors: worse than the primary (enough evidence to roll back)']],
    [
      explanation('guardrail.success_rate', {
        statistic: { name: 'success rate %', value: 88.82 },
        bound: { name: 'minSuccessRate %', value: 95 },
      }),
      ['errors: success rate 88.82% is below the 95% guard-rail'],
    ],
    [
      explanation('guardrail.p99_latency', {
        statistic: { name: 'p99 ms', value: 812 },
        bound: { name: 'maxP99LatencyMs', value: 500 },
      }),
      ['latency: p99 812ms is above the 500ms guard-rail'],
    ],
    [
      explanation('no_data'),
      ['traffic: the canary served no requests in this window (no data is not a pass)'],
    ],
    [explanation('some.future.rule'), []],
  ])('%o', (e, expected) => {
    expect(evidenceInWords(e).map((l) => `${l.topic}: ${l.words}`)).toEqual(expected);
  });

  it('keeps the statistic for experts, with typographic minus signs', () => {
    expect(expertLine(explanation('x', { statistic: LLR_ERRORS, bound: BOUND }))).toBe(
      'ln likelihood ratio, errors +1pp vs as good as primary = −4.58; ln(missRate / (1 − falseRollbackRate)) −2.99',
    );
    expect(expertLine(explanation('x'))).toBeNull();
  });

  it('says what a decision did and who did it', () => {
    const base: Decision = {
      at: 0,
      fromPhase: 'progressing',
      toPhase: 'progressing',
      stepIndex: 0,
      weight: 10,
      action: 'advance',
      rule: 'judge.sprt.accept.step',
      reason: 'r',
    };
    expect(decisionInWords(base, 25).headline).toBe('Advanced to 25%');
    expect(decisionInWords({ ...base, action: 'approve', actor: 'U0AVIARY01' }).headline).toBe(
      'Approved by U0AVIARY01',
    );
    expect(decisionInWords({ ...base, action: 'hold', fromPhase: 'awaiting_approval' }).headline).toBe(
      'Checked at 10% while awaiting approval',
    );
    expect(decisionInWords({ ...base, action: 'complete', rule: 'rolled_back' }).headline).toBe(
      'Rolled back',
    );
    expect(decisionInWords({ ...base, action: 'rollback', weight: 25 }).headline).toBe(
      'Rolling back from 25%',
    );
    expect(decisionInWords(base).why).toBe('r');
  });
});

import { describe, expect, it } from 'vitest';
import { createArgoJudge } from '../../lib/analysis/argo-judge.js';
import { createJudge } from '../../lib/analysis/create-judge.js';
import { createFlaggerJudge } from '../../lib/analysis/flagger-judge.js';
import { ExplanationSchema } from '../../lib/model/explanation.js';
import type { JudgeState } from '../../lib/model/judge.js';
import { ArgoJudgeSchema, JudgeConfigSchema } from '../../lib/model/policy.js';
import { feed, policyOf, side, windowOf } from './judge-fixtures.js';

const good = windowOf(side(100, 0, 180), side(1900, 2));
const errors = windowOf(side(100, 5, 180), side(1900, 2));
const slow = windowOf(side(100, 0, 900), side(1900, 2));
const empty = windowOf(null, side(1900, 2));
const few = windowOf(side(5, 0, 180), side(95, 0));

describe('flagger judge', () => {
  const policy = policyOf({ failureThreshold: 3 });
  const judge = createFlaggerJudge();

  it('passes a window within both thresholds, and fails one outside either', () => {
    const [ok, bad, late] = feed(judge, policy, [good, errors, slow]);
    expect(ok?.verdict).toBe('pass');
    expect(bad?.verdict).toBe('fail');
    expect(bad?.explanation.rule).toBe('checks.success_rate');
    expect(late?.explanation.rule).toBe('checks.latency');
    for (const r of [ok, bad, late]) expect(ExplanationSchema.parse(r?.explanation).judge).toBe('flagger');
  });

  it('counts a window without data as a failed check', () => {
    const [r] = feed(judge, policy, [empty]);
    expect(r?.verdict).toBe('fail');
    expect(r?.rollback).toBe(false);
    expect(r?.explanation.rule).toBe('no_data');
  });

  it('accumulates failed checks over the run, across passes and steps, and rolls back at the threshold', () => {
    const first = feed(judge, policy, [errors, good, empty], 0);
    expect(first.map((r) => r.explanation.statistic?.value)).toEqual([1, 1, 2]);
    expect(first.some((r) => r.rollback)).toBe(false);
    // Next step: the count carries on and the third failed check rolls back.
    const [r] = feed(judge, policy, [slow], 1, first[2]?.state);
    expect(r?.rollback).toBe(true);
    expect(r?.explanation.statistic).toEqual({ name: 'failed checks', value: 3 });
    expect(r?.explanation.bound).toEqual({ name: 'failureThreshold', value: 3 });
  });

  it('judges a single unlucky low-traffic window by the threshold alone (what it is compared against)', () => {
    const [r] = feed(judge, policy, [windowOf(side(6, 1), side(114, 0))]);
    expect(r?.verdict).toBe('fail');
  });
});

describe('argo judge', () => {
  const policy = policyOf();
  const argo = (
    limits: Partial<Record<'failureLimit' | 'inconclusiveLimit' | 'consecutiveErrorLimit', number>>,
  ) => createArgoJudge(ArgoJudgeSchema.parse({ kind: 'argo', ...limits }));

  it('rolls back once failed measurements exceed failureLimit', () => {
    const results = feed(argo({ failureLimit: 2 }), policy, [errors, good, slow, errors]);
    expect(results.map((r) => [r.verdict, r.rollback])).toEqual([
      ['fail', false],
      ['pass', false],
      ['fail', false],
      ['fail', true],
    ]);
    expect(results[3]?.explanation.rule).toBe('argo.failed.success_rate');
  });

  it('fails the analysis on the first failed measurement with the default failureLimit 0', () => {
    const [r] = feed(argo({}), policy, [errors]);
    expect(r?.rollback).toBe(true);
  });

  it('has no minimum-request rule: a few requests are measured like many (Argo evaluates what the query returns)', () => {
    const results = feed(argo({ inconclusiveLimit: 0 }), policy, [few, good]);
    expect(results.map((r) => r.verdict)).toEqual(['pass', 'pass']);
    expect(results[0]?.explanation.rule).toBe('argo.successful');
  });

  it('treats no data as a measurement error: holds, and rolls back past consecutiveErrorLimit', () => {
    const results = feed(argo({ consecutiveErrorLimit: 2 }), policy, [empty, empty, empty]);
    expect(results.map((r) => [r.explanation.rule, r.rollback])).toEqual([
      ['argo.error', false],
      ['argo.error', false],
      ['argo.consecutive_errors', true],
    ]);
  });

  it('resets the consecutive error count on a good measurement', () => {
    const results = feed(argo({ consecutiveErrorLimit: 1 }), policy, [empty, good, empty, good]);
    expect(results.some((r) => r.rollback)).toBe(false);
    const state = results[3]?.state as JudgeState;
    expect(state.consecutiveErrors).toBe(0);
  });
});

describe('createJudge', () => {
  it('builds the judge the policy names', () => {
    const policy = policyOf();
    for (const kind of ['aviary', 'flagger', 'argo'] as const) {
      const judge = createJudge(JudgeConfigSchema.parse({ kind }));
      const [r] = feed(judge, policy, [good]);
      expect(r?.explanation.judge).toBe(kind);
    }
  });
});

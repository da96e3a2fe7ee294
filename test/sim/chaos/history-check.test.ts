import { describe, expect, it } from 'vitest';
import { checkHistory, type HistoryEntry } from '../../../lib/sim/chaos/history-check.js';

const entry = (version: number, fromPhase: string, toPhase: string, action = 'advance'): HistoryEntry =>
  ({ version, fromPhase, toPhase, action }) as HistoryEntry;

const promoted = [
  entry(1, 'pending', 'pending', 'start'),
  entry(2, 'pending', 'progressing'),
  entry(4, 'progressing', 'progressing'),
  entry(5, 'progressing', 'promoting', 'promote'),
  entry(7, 'promoting', 'succeeded', 'complete'),
];

describe('checkHistory', () => {
  it('accepts one line of decisions with increasing versions (gaps are Slack references and judge memory)', () => {
    expect(checkHistory(promoted, 'succeeded')).toEqual({
      linear: true,
      versionsIncreasing: true,
      terminalDecisions: 1,
      lostTransitions: 0,
      problems: [],
    });
  });

  it('counts a decision missing from the middle of the chain as a lost transition', () => {
    const verdict = checkHistory(
      promoted.filter((d) => d.version !== 5),
      'succeeded',
    );
    expect(verdict.linear).toBe(false);
    expect(verdict.lostTransitions).toBe(1);
    expect(verdict.problems[0]).toMatch(/complete at v7 starts from promoting.*ended in progressing/);
  });

  it('counts a rollout whose phase no decision explains as a lost transition', () => {
    const verdict = checkHistory(promoted.slice(0, 4), 'succeeded');
    expect(verdict.lostTransitions).toBe(1);
    expect(verdict.problems).toContain(
      'the rollout is succeeded, but its last decision (promote) ended in promoting',
    );
  });

  it('flags versions that do not increase in stored order: a write based on a stale read', () => {
    const verdict = checkHistory(
      [
        entry(1, 'pending', 'pending', 'start'),
        entry(3, 'pending', 'paused', 'pause'),
        entry(3, 'paused', 'paused'),
      ],
      'paused',
    );
    expect(verdict.versionsIncreasing).toBe(false);
    expect(verdict.problems[0]).toMatch(/v3 \(advance\) follows v3 \(pause\)/);
  });

  it('flags two terminal decisions, and a terminal decision that is not the last', () => {
    const twice = [...promoted, entry(8, 'succeeded', 'failed', 'complete')];
    const verdict = checkHistory(twice, 'failed');
    expect(verdict.terminalDecisions).toBe(2);
    expect(verdict.linear).toBe(false);
    expect(verdict.problems).toContain('terminal decision complete at v7 is not the last');
    expect(verdict.problems).toContain('2 terminal decisions for a failed rollout');
  });

  it('a rollout without any decision lost its first one', () => {
    expect(checkHistory([], 'pending').lostTransitions).toBe(1);
  });
});

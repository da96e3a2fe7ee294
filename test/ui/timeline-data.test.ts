import { describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../lib/engine/engine.js';
import type { Decision } from '../../lib/model/rollout.js';
import { renderTimelineChart } from '../../lib/ui/timeline-chart.js';
import { buildTimeline, MAX_POINTS, markerRuns } from '../../lib/ui/timeline-data.js';

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const S = 1000;

const decision = (at: number, patch: Partial<Decision>): Decision => ({
  at: T0 + at * S,
  fromPhase: 'progressing',
  toPhase: 'progressing',
  stepIndex: 0,
  weight: 0,
  action: 'hold',
  rule: 'r',
  reason: 'why',
  ...patch,
});

const win = (
  canary: [number, number, number | null] | null,
  primary: [number, number, number | null] | null,
) => ({
  windowSeconds: 30,
  canary: canary && { successCount: canary[0], failureCount: canary[1], p50Ms: 10, p99Ms: canary[2] },
  primary: primary && { successCount: primary[0], failureCount: primary[1], p50Ms: 10, p99Ms: primary[2] },
});

function status(history: Decision[], patch: Partial<RolloutStatus> = {}): RolloutStatus {
  return {
    id: 'podinfo-1',
    target: 'podinfo',
    cluster: 'sim',
    revision: '6.5.1',
    image: null,
    source: { kind: 'webhook' },
    phase: 'failed',
    canaryWeight: 25,
    stepIndex: 1,
    steps: [10, 25, 50],
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    approval: null,
    reason: null,
    lastDecision: history.at(-1) ?? null,
    history,
    ...patch,
  } as RolloutStatus;
}

const HISTORY = [
  decision(0, { action: 'start', fromPhase: 'pending', toPhase: 'pending', stepIndex: -1 }),
  decision(30, { action: 'advance', fromPhase: 'pending', stepIndex: -1, weight: 0 }),
  decision(60, { action: 'advance', weight: 10, metrics: win([99, 1, 120], [900, 0, 100]) }),
  decision(90, { action: 'hold', stepIndex: 1, weight: 25, metrics: win(null, [750, 0, 110]) }),
  decision(120, {
    action: 'rollback',
    stepIndex: 1,
    weight: 25,
    toPhase: 'rolling_back',
    metrics: win([200, 50, null], [750, 0, 105]),
  }),
  decision(150, {
    action: 'complete',
    rule: 'rolled_back',
    stepIndex: 1,
    weight: 25,
    fromPhase: 'rolling_back',
    toPhase: 'failed',
  }),
];

describe('the timeline drawn from a decision history', () => {
  it('steps the weight to what each decision left intended, all-primary once rolling back', () => {
    const t = buildTimeline(status(HISTORY), T0 + 999 * S, null);
    expect(t.weight.map((p) => [(p.at - T0) / S, p.value])).toEqual([
      [0, 0],
      [30, 10],
      [60, 25],
      [120, 0],
      [150, 0],
    ]);
    // A finished rollout's axis ends at its last decision, not now.
    expect(t.end).toBe(T0 + 150 * S);
  });

  it('has a point per window and side that served requests, and per reported p99', () => {
    const t = buildTimeline(status(HISTORY), T0, { minSuccessRate: 95, maxP99LatencyMs: 500 });
    expect(t.successRate.canary.map((p) => p.value)).toEqual([99, 80]);
    expect(t.successRate.primary.map((p) => p.value)).toEqual([100, 100, 100]);
    expect(t.p99.canary.map((p) => p.value)).toEqual([120]);
    expect(t.p99.primary.map((p) => p.value)).toEqual([100, 110, 105]);
    expect(t.markers.map((m) => m.words.headline)).toEqual([
      'Started',
      'Advanced to 10%',
      'Advanced to 25%',
      'Held at 25%',
      'Rolling back from 25%',
      'Rolled back',
    ]);
    const svg = renderTimelineChart(t).text;
    expect(svg.match(/<circle class="point"/g)).toHaveLength(2 + 3 + 1 + 3);
    expect(svg.match(/class="marker"/g)).toHaveLength(HISTORY.length);
    expect(svg).toContain('data-series="canary success rate" data-points="2"');
  });

  it('runs an active rollout’s axis to now, and draws an empty history', () => {
    const active = buildTimeline(status(HISTORY.slice(0, 3), { phase: 'progressing' }), T0 + 600 * S, null);
    expect(active.end).toBe(T0 + 600 * S);
    expect(active.weight.at(-1)).toEqual({ at: T0 + 600 * S, value: 25 });
    const empty = buildTimeline(status([], { phase: 'pending', canaryWeight: 0 }), T0, null);
    expect(empty.markers).toEqual([]);
    expect(renderTimelineChart(empty).text).toContain('data-series="weight" data-points="2"');
  });

  it('folds a long wait for approval into one run and thins its series, keeping the worst window', () => {
    const holds = Array.from({ length: 500 }, (_, i) =>
      decision(200 + i * 30, {
        action: 'hold',
        fromPhase: 'awaiting_approval',
        toPhase: 'awaiting_approval',
        stepIndex: 2,
        weight: 50,
        rule: 'judge.sprt.accept',
        metrics: win([i === 321 ? 50 : 100, i === 321 ? 50 : 0, 100], [1000, 0, 100]),
      }),
    );
    const history = [...HISTORY.slice(0, 3), ...holds];
    const t = buildTimeline(status(history, { phase: 'awaiting_approval', canaryWeight: 50 }), T0, null);
    expect(t.windows).toBe(501);
    expect(t.successRate.canary).toHaveLength(MAX_POINTS);
    expect(Math.min(...t.successRate.canary.map((p) => p.value))).toBe(50);
    expect(markerRuns(t.markers)).toEqual([
      { first: 0, last: 0 },
      { first: 1, last: 1 },
      { first: 2, last: 2 },
      { first: 3, last: 502 },
    ]);
    const svg = renderTimelineChart(t).text;
    // Past 120 routine holds the chart keeps only the decisions that changed something.
    expect(svg.match(/class="marker"/g)).toHaveLength(3);
  });
});

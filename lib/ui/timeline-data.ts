import type { RolloutStatus } from '../engine/engine.js';
import type { WorkloadWindow } from '../model/observation.js';
import { type Decision, isTerminal, type Phase } from '../model/rollout.js';
import { type DecisionInWords, decisionInWords } from './plain-evidence.js';

export interface Point {
  at: number;
  value: number;
}

export interface TimelineMarker {
  at: number;
  action: Decision['action'];
  words: DecisionInWords;
  decision: Decision;
  /** Index of the first marker of its run of like routine decisions (its own index when it starts one). */
  runStart: number;
}

/** A run of markers shown as one entry of the decision list: routine holds of one kind come every window. */
export interface MarkerRun {
  first: number;
  last: number;
}

const ROUTINE: readonly Decision['action'][] = ['hold', 'wait'];

/**
 * Consecutive holds or waits with the same headline and evidence make one run: "checked 150 times at 50% while
 * awaiting approval" reads better, and weighs less, than 150 entries saying the same.
 */
export function markerRuns(markers: readonly TimelineMarker[]): MarkerRun[] {
  const runs: MarkerRun[] = [];
  markers.forEach((m, i) => {
    const run = runs[runs.length - 1];
    if (run && m.runStart === run.first) run.last = i;
    else runs.push({ first: i, last: i });
  });
  return runs;
}

const sameRoutine = (a: TimelineMarker, b: Omit<TimelineMarker, 'runStart'>): boolean =>
  ROUTINE.includes(a.action) &&
  a.action === b.action &&
  a.words.headline === b.words.headline &&
  a.decision.rule === b.decision.rule &&
  JSON.stringify(a.words.evidence) === JSON.stringify(b.words.evidence);

export interface Timeline {
  start: number;
  end: number;
  /** Intended canary weight after each change, as a step line from the start to the end. */
  weight: Point[];
  /** Success rate (%) per analysis window; windows where a side served nothing have no point for it. */
  successRate: { canary: Point[]; primary: Point[] };
  /** p99 latency (ms) per analysis window. */
  p99: { canary: Point[]; primary: Point[] };
  /** Analysis windows in the history (series longer than MAX_POINTS are thinned to their worst points). */
  windows: number;
  guardRails: { minSuccessRate: number | null; maxP99LatencyMs: number | null };
  markers: TimelineMarker[];
}

export interface GuardRails {
  minSuccessRate: number;
  maxP99LatencyMs: number;
}

/** Phases in which the router is sent all traffic to the primary, whatever the stored weight says. */
const ALL_PRIMARY: readonly Phase[] = ['rolling_back', 'failed', 'superseded', 'succeeded'];

/**
 * The timeline of a rollout from its decision history: the data only, so the chart and its tests share one
 * reading of the history. `now` ends the axis of a rollout still running.
 */
export function buildTimeline(status: RolloutStatus, now: number, guardRails: GuardRails | null): Timeline {
  const history = status.history;
  const start = Date.parse(status.createdAt);
  const last = history[history.length - 1]?.at ?? start;
  const end = Math.max(isTerminal(status.phase) ? last : Math.max(now, last), start + 1);

  const weight: Point[] = [{ at: start, value: history[0]?.weight ?? 0 }];
  const markers: TimelineMarker[] = [];
  const successRate = { canary: [] as Point[], primary: [] as Point[] };
  const p99 = { canary: [] as Point[], primary: [] as Point[] };

  history.forEach((decision, i) => {
    const after = ALL_PRIMARY.includes(decision.toPhase)
      ? 0
      : (history[i + 1]?.weight ?? status.canaryWeight);
    if (after !== weight[weight.length - 1]?.value) weight.push({ at: decision.at, value: after });
    const marker = {
      at: decision.at,
      action: decision.action,
      words: decisionInWords(decision, after),
      decision,
    };
    const previous = markers[markers.length - 1];
    markers.push({ ...marker, runStart: previous && sameRoutine(previous, marker) ? previous.runStart : i });
    const window = decision.metrics;
    if (!window) return;
    addWindow(decision.at, window.canary, successRate.canary, p99.canary);
    addWindow(decision.at, window.primary, successRate.primary, p99.primary);
  });
  weight.push({ at: end, value: weight[weight.length - 1]?.value ?? 0 });
  const worstRate = (a: Point, b: Point) => (b.value < a.value ? b : a);
  const worstP99 = (a: Point, b: Point) => (b.value > a.value ? b : a);

  return {
    start,
    end,
    weight,
    successRate: {
      canary: downsample(successRate.canary, worstRate),
      primary: downsample(successRate.primary, worstRate),
    },
    p99: { canary: downsample(p99.canary, worstP99), primary: downsample(p99.primary, worstP99) },
    windows: history.filter((d) => d.metrics).length,
    guardRails: {
      minSuccessRate: guardRails?.minSuccessRate ?? null,
      maxP99LatencyMs: guardRails?.maxP99LatencyMs ?? null,
    },
    markers,
  };
}

function addWindow(at: number, w: WorkloadWindow | null, rates: Point[], p99s: Point[]): void {
  if (!w) return;
  const requests = w.successCount + w.failureCount;
  if (requests > 0) rates.push({ at, value: (100 * w.successCount) / requests });
  if (w.p99Ms !== null) p99s.push({ at, value: w.p99Ms });
}

/** At most this many points per series: a week of one-minute windows would otherwise weigh megabytes. */
export const MAX_POINTS = 240;

/** Thins a long series into MAX_POINTS consecutive buckets, keeping each bucket's worst point (dips stay visible). */
function downsample(points: Point[], worst: (a: Point, b: Point) => Point): Point[] {
  if (points.length <= MAX_POINTS) return points;
  const size = points.length / MAX_POINTS;
  return Array.from({ length: MAX_POINTS }, (_, b) =>
    points.slice(Math.floor(b * size), Math.floor((b + 1) * size)).reduce(worst),
  );
}

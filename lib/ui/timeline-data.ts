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
}

export interface Timeline {
  start: number;
  end: number;
  /** Intended canary weight after each change, as a step line from the start to the end. */
  weight: Point[];
  /** Success rate (%) per analysis window; windows where a side served nothing have no point for it. */
  successRate: { canary: Point[]; primary: Point[] };
  /** p99 latency (ms) per analysis window. */
  p99: { canary: Point[]; primary: Point[] };
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
    markers.push({
      at: decision.at,
      action: decision.action,
      words: decisionInWords(decision, after),
      decision,
    });
    const window = decision.metrics;
    if (!window) return;
    addWindow(decision.at, window.canary, successRate.canary, p99.canary);
    addWindow(decision.at, window.primary, successRate.primary, p99.primary);
  });
  weight.push({ at: end, value: weight[weight.length - 1]?.value ?? 0 });

  return {
    start,
    end,
    weight,
    successRate,
    p99,
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

import type { MetricsWindow } from '../model/observation.js';

/** Below this many requests in a window the observed share says too little to contradict the weight. */
const MIN_REQUESTS_FOR_SHARE_CHECK = 100;
/** Absolute slack (percentage points) for routers that round or lag behind by a few requests. */
const ABSOLUTE_TOLERANCE = 5;

export interface ShareCheck {
  ok: boolean;
  observedPercent: number | null;
  expectedPercent: number;
  tolerancePercent: number;
  requests: number;
}

/**
 * Closed loop: does the share of requests that reached the canary match the weight we set? Unmeshed
 * clients, a ServiceProfile overriding the route or a typo in a backend name all show up as a share far from
 * the weight; judging such a window would judge the wrong traffic. The tolerance is the larger of 5 points
 * and five binomial standard deviations, so a healthy router is practically never flagged.
 */
export function checkTrafficShare(window: MetricsWindow, canaryWeight: number): ShareCheck {
  const canary = window.canary ? window.canary.successCount + window.canary.failureCount : 0;
  const primary = window.primary ? window.primary.successCount + window.primary.failureCount : 0;
  const requests = canary + primary;
  const p = canaryWeight / 100;
  const sd = requests > 0 ? Math.sqrt((p * (1 - p)) / requests) * 100 : 0;
  const tolerancePercent = Math.max(ABSOLUTE_TOLERANCE, 5 * sd);
  if (requests < MIN_REQUESTS_FOR_SHARE_CHECK) {
    return { ok: true, observedPercent: null, expectedPercent: canaryWeight, tolerancePercent, requests };
  }
  const observedPercent = (canary / requests) * 100;
  return {
    ok: Math.abs(observedPercent - canaryWeight) <= tolerancePercent,
    observedPercent,
    expectedPercent: canaryWeight,
    tolerancePercent,
    requests,
  };
}

import type { WorkloadWindow } from '../model/observation.js';

/** Requests a workload served in a window (0 when the source had no data). */
export function requestsOf(w: WorkloadWindow | null): number {
  return w ? w.successCount + w.failureCount : 0;
}

/** Failures a workload served in a window (0 when the source had no data). */
export function failuresOf(w: WorkloadWindow | null): number {
  return w ? w.failureCount : 0;
}

/** Success rate in percent, or null without requests. */
export function successRatePercent(w: WorkloadWindow | null): number | null {
  const n = requestsOf(w);
  return n > 0 && w ? (w.successCount / n) * 100 : null;
}

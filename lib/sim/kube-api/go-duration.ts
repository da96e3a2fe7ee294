/**
 * Go `time.Duration` text as smi-metrics echoes the `?window=` it read (`1m` → `"1m0s"`). Reading durations is
 * `lib/metrics/go-duration.ts` (Go's one `time.ParseDuration`, shared as Go code shares it).
 */

/** Go's `Duration.String()` for whole milliseconds: `30s`, `1m0s`, `1h0m0s`, `1m30.5s`, `500ms`. */
export function formatGoDuration(seconds: number): string {
  const totalMs = Math.round(seconds * 1000);
  if (totalMs === 0) return '0s';
  if (totalMs < 1000) return `${totalMs}ms`;
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
  const secondsPart = (totalMs % 60_000) / 1000;
  if (hours > 0) return `${hours}h${minutes}m${secondsPart}s`;
  if (minutes > 0) return `${minutes}m${secondsPart}s`;
  return `${secondsPart}s`;
}

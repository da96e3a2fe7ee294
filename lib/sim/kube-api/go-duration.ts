/** Go `time.Duration` text, the form smi-metrics reads in `?window=` and echoes back (`1m` → `"1m0s"`). */

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Seconds in a Go duration string like `30s`, `1m`, `1h30m`, `1.5s`; null when it is not one. */
export function parseGoDuration(text: string): number | null {
  const part = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/y;
  let seconds = 0;
  let index = 0;
  if (text.length === 0) return null;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (match === null) return null;
    seconds += Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? 0);
    index = part.lastIndex;
  }
  return seconds;
}

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

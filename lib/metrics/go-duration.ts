/**
 * Go `time.Duration` text (`time.ParseDuration`): how Kubernetes-style APIs read and echo durations (`"30s"`,
 * `"1m0s"`, `"1h2m3.5s"`, `"0s"`), and the CLI's duration flags. The one parser of them in the repository.
 *
 * Grammar: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` where every number has a digit and every unit is one of ns, us,
 * µs, μs, ms, s, m, h; the bare `0` (signed or not) is the only number without a unit.
 */
const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const DURATION =
  /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))*$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
/** The longest duration Go can hold: 2^63-1 nanoseconds (about 292 years; the nearest number to it). */
const MAX_SECONDS = Number(2n ** 63n - 1n) / 1e9;

/** Seconds in a Go duration string; null when it is not one (or overflows Go's int64 nanoseconds). */
export function goDurationSeconds(text: string): number | null {
  if (/^[+-]?0$/.test(text)) return 0;
  if (!DURATION.test(text)) return null;
  let seconds = 0;
  for (const [, amount = '0', unit = 's'] of text.matchAll(PART))
    seconds += Number(amount) * (UNIT_SECONDS[unit] ?? 1);
  if (seconds > MAX_SECONDS) return null;
  return text.startsWith('-') && seconds !== 0 ? -seconds : seconds;
}

/** Seconds in a Go duration string; throws a message with examples on anything else. */
export function parseGoDuration(text: string): number {
  const seconds = goDurationSeconds(text);
  if (seconds === null) {
    throw new Error(`${JSON.stringify(text)} is not a duration like "30s", "1m0s" or "1h30m"`);
  }
  return seconds;
}

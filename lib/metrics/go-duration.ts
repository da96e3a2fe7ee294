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

/**
 * A Go `time.Duration` string in seconds: how Kubernetes-style APIs echo durations (`"30s"`, `"1m0s"`,
 * `"1h2m3.5s"`, `"0s"`). Throws on anything else.
 */
export function parseGoDuration(text: string): number {
  if (text === '0') return 0;
  if (!DURATION.test(text)) {
    throw new Error(`${JSON.stringify(text)} is not a duration like "30s", "1m0s" or "1h30m"`);
  }
  let seconds = 0;
  for (const [, amount = '0', unit = 's'] of text.matchAll(PART))
    seconds += Number(amount) * (UNIT_SECONDS[unit] ?? 1);
  return text.startsWith('-') ? -seconds : seconds;
}

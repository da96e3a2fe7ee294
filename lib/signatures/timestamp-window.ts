import type { SignatureCheck } from './signature-check.js';

/** Replay window of signed requests: Slack's rule, which Aviary's own deploy signature follows too. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/**
 * Checks a unix-seconds timestamp header against the clock. Timestamps too far in the future are refused as
 * well: a request signed "later" could otherwise be replayed for longer than the window.
 */
export function checkTimestamp(
  value: string | undefined,
  headerName: string,
  nowMs: number,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck & { seconds?: number } {
  if (value === undefined || value === '') {
    return { ok: false, code: 'timestamp_missing', message: `missing ${headerName} header` };
  }
  if (!/^\d{1,12}$/.test(value.trim())) {
    return { ok: false, code: 'timestamp_invalid', message: `${headerName} must be unix seconds` };
  }
  const seconds = Number(value.trim());
  const skew = Math.abs(Math.floor(nowMs / 1000) - seconds);
  if (skew > toleranceSeconds) {
    return {
      ok: false,
      code: 'timestamp_stale',
      message: `${headerName} is ${skew} s away from now; requests are accepted for ${toleranceSeconds} s`,
    };
  }
  return { ok: true, seconds };
}

import { Cron } from 'croner';
import type { Freeze } from './freeze.js';

/** A time window in ms since the epoch, `from` included and `to` excluded. */
export interface Window {
  from: number;
  to: number;
}

const HOUR_MS = 3_600_000;

/**
 * Why a cron expression cannot be used, or null. Croner parses it (five fields, names such as SAT and JAN, the
 * usual ranges and steps); an expression that can never fire (`0 0 31 2 *`) is refused too, since a freeze that
 * never starts is a mistake, not a choice.
 */
export function cronProblem(cron: string, timezone = 'UTC'): string | null {
  if (cron.trim().split(/\s+/).length !== 5) {
    return `"${cron}" must have five fields: minute hour day-of-month month day-of-week`;
  }
  let schedule: Cron;
  try {
    schedule = new Cron(cron, { timezone, paused: true });
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/^CronPattern: /, '') : String(e);
    return `invalid cron expression "${cron}": ${message}`;
  }
  try {
    if (schedule.nextRun(new Date(0)) === null) return `cron expression "${cron}" never fires`;
  } catch (e) {
    return `cannot use time zone "${timezone}": ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}

/** `timezone` is a zone the runtime knows (IANA name), or null with the reason. */
export function timezoneProblem(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return `unknown time zone "${timezone}" (use an IANA name such as Europe/Paris)`;
  }
}

/** The fixed window of a `from`/`to` freeze; `to` is included in the freeze, so the window ends 1 ms later. */
function fixedWindow(freeze: Freeze): Window | null {
  if (freeze.from === undefined || freeze.to === undefined) return null;
  return { from: Date.parse(freeze.from), to: Date.parse(freeze.to) + 1 };
}

function schedule(freeze: Freeze): { cron: Cron; durationMs: number } | null {
  if (freeze.cron === undefined || freeze.durationHours === undefined) return null;
  return {
    cron: new Cron(freeze.cron, { timezone: freeze.timezone ?? 'UTC', paused: true }),
    durationMs: freeze.durationHours * HOUR_MS,
  };
}

/**
 * The window of `freeze` that contains `at`, or null. For a recurring freeze only the latest start at or before
 * `at` can contain it: an earlier start has an earlier end, since every window lasts as long.
 */
export function windowAt(freeze: Freeze, at: number): Window | null {
  const fixed = fixedWindow(freeze);
  if (fixed) return fixed.from <= at && at < fixed.to ? fixed : null;
  const recurring = schedule(freeze);
  if (!recurring) return null;
  // previousRuns is strict (a start exactly at `at` is not "previous"); cron has whole-second starts.
  const [start] = recurring.cron.previousRuns(1, new Date(Math.floor(at / 1000) * 1000 + 1000));
  if (!start) return null;
  const from = start.getTime();
  const window = { from, to: from + recurring.durationMs };
  return from <= at && at < window.to ? window : null;
}

/** Windows of `freeze` that start in [from, to), at most `limit` of them, in order. */
export function windowsStartingIn(freeze: Freeze, from: number, to: number, limit: number): Window[] {
  const fixed = fixedWindow(freeze);
  if (fixed) return fixed.from >= from && fixed.from < to ? [fixed] : [];
  const recurring = schedule(freeze);
  if (!recurring) return [];
  const out: Window[] = [];
  let cursor = new Date(from - 1);
  while (out.length < limit) {
    const next = recurring.cron.nextRun(cursor);
    if (!next || next.getTime() >= to) break;
    out.push({ from: next.getTime(), to: next.getTime() + recurring.durationMs });
    cursor = next;
  }
  return out;
}

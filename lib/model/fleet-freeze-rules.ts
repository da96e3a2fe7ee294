import type { Fleet } from './fleet.js';
import type { Freeze } from './freeze.js';
import { cronProblem, timezoneProblem, type Window, windowAt, windowsStartingIn } from './freeze-window.js';

/** Reports one problem at a field path; the schema's refinement passes `ctx.addIssue` through it. */
export type Report = (path: (string | number)[], message: string) => void;

/**
 * Cross-field rules of `fleets`: every wave target exists, no target is in two waves of a fleet, and a fleet is
 * not named like a target (a deploy event names one or the other).
 */
export function checkFleets(
  fleets: Record<string, Fleet>,
  targets: ReadonlySet<string>,
  report: Report,
): void {
  for (const [name, fleet] of Object.entries(fleets)) {
    if (targets.has(name)) {
      report(
        ['fleets', name],
        `a fleet cannot have the name of target "${name}": a deploy event names one or the other`,
      );
    }
    const waveOf = new Map<string, number>();
    fleet.waves.forEach((wave, w) => {
      wave.targets.forEach((target, t) => {
        const path = ['fleets', name, 'waves', w, 'targets', t];
        if (!targets.has(target)) report(path, `unknown target "${target}"`);
        const earlier = waveOf.get(target);
        if (earlier === undefined) waveOf.set(target, w);
        else if (earlier === w) report(path, `target "${target}" is listed twice in wave ${w + 1}`);
        else
          report(path, `target "${target}" is already in wave ${earlier + 1}: a target belongs to one wave`);
      });
    });
  }
}

/** Cron windows are compared over this span when neither freeze is fixed (two years: weekly and monthly repeat). */
const CRON_HORIZON = { from: Date.UTC(2026, 0, 1), to: Date.UTC(2028, 0, 1) };
/** Starts examined per freeze and span; a cron firing more often than this overlaps itself long before. */
const MAX_STARTS = 2000;

/**
 * Rules of `freezes`: names unique, targets known, cron expressions and time zones valid, `from` before `to`,
 * and no two windows overlapping where they cover a common target (nor a recurring window overlapping its
 * own next occurrence): overlapping freezes leave no single reason, and are almost always a typo.
 */
export function checkFreezes(freezes: readonly Freeze[], targets: ReadonlySet<string>, report: Report): void {
  const usable: boolean[] = [];
  const names = new Map<string, number>();
  freezes.forEach((freeze, i) => {
    let ok = true;
    const seen = names.get(freeze.name);
    if (seen !== undefined)
      report(['freezes', i, 'name'], `freeze "${freeze.name}" is already defined at freezes[${seen}]`);
    else names.set(freeze.name, i);
    freeze.targets.forEach((target, t) => {
      if (target !== '*' && !targets.has(target))
        report(['freezes', i, 'targets', t], `unknown target "${target}"`);
    });
    if (
      freeze.from !== undefined &&
      freeze.to !== undefined &&
      Date.parse(freeze.to) < Date.parse(freeze.from)
    ) {
      report(['freezes', i, 'to'], `ends (${freeze.to}) before it starts (${freeze.from})`);
      ok = false;
    }
    if (freeze.timezone !== undefined) {
      const problem = timezoneProblem(freeze.timezone);
      if (problem) {
        report(['freezes', i, 'timezone'], problem);
        ok = false;
      }
    }
    if (ok && freeze.cron !== undefined) {
      const problem = cronProblem(freeze.cron, freeze.timezone);
      if (problem) {
        report(['freezes', i, 'cron'], problem);
        ok = false;
      }
    }
    if (ok && freeze.cron !== undefined) {
      const self = selfOverlap(freeze);
      if (self) report(['freezes', i, 'durationHours'], self);
    }
    usable.push(ok && (freeze.cron !== undefined || freeze.from !== undefined));
  });
  for (let j = 0; j < freezes.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [freezes[i], freezes[j]];
      if (!a || !b || !usable[i] || !usable[j]) continue;
      const shared = sharedTarget(a, b);
      if (shared === null) continue;
      const at = firstOverlap(a, b);
      if (at !== null) {
        report(
          ['freezes', j],
          `overlaps freeze "${a.name}" on ${shared === '*' ? 'every target' : `target "${shared}"`} (both in force at ${iso(at)})`,
        );
      }
    }
  }
}

function sharedTarget(a: Freeze, b: Freeze): string | null {
  if (a.targets.includes('*')) return b.targets.includes('*') ? '*' : (b.targets[0] ?? null);
  if (b.targets.includes('*')) return a.targets[0] ?? null;
  return a.targets.find((t) => b.targets.includes(t)) ?? null;
}

/** The span over which two freezes' windows can meet: a fixed window bounds it, otherwise the cron horizon. */
function span(a: Freeze, b: Freeze): Window {
  const fixed = [a, b]
    .filter((f) => f.from !== undefined && f.to !== undefined)
    .map((f) => ({ from: Date.parse(f.from as string), to: Date.parse(f.to as string) + 1 }));
  if (fixed.length === 0) return CRON_HORIZON;
  const longest = Math.max(0, ...[a, b].map((f) => (f.durationHours ?? 0) * 3_600_000));
  return {
    from: Math.min(...fixed.map((w) => w.from)) - longest,
    to: Math.max(...fixed.map((w) => w.to)),
  };
}

/**
 * Two sets of windows intersect exactly when a window of one starts inside a window of the other, so it is
 * enough to test each start of each against the other's `windowAt`.
 */
function firstOverlap(a: Freeze, b: Freeze): number | null {
  const { from, to } = span(a, b);
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const window of windowsStartingIn(x, from, to, MAX_STARTS)) {
      if (windowAt(y, window.from)) return window.from;
    }
  }
  return null;
}

function selfOverlap(freeze: Freeze): string | null {
  const starts = windowsStartingIn(freeze, CRON_HORIZON.from, CRON_HORIZON.to, MAX_STARTS);
  for (let k = 1; k < starts.length; k++) {
    const [previous, next] = [starts[k - 1], starts[k]];
    if (previous && next && next.from < previous.to) {
      return `${freeze.durationHours} h windows overlap the next start of "${freeze.cron}" (${iso(previous.from)} and ${iso(next.from)})`;
    }
  }
  return null;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

import type { ActiveFreeze, Freeze } from '../model/freeze.js';
import { windowAt } from '../model/freeze-window.js';

/** The freezes in force for `target` at `now`, in configuration order, each with its window and reason. */
export function activeFreezes(freezes: readonly Freeze[], target: string, now: number): ActiveFreeze[] {
  const out: ActiveFreeze[] = [];
  for (const freeze of freezes) {
    if (!freeze.targets.includes('*') && !freeze.targets.includes(target)) continue;
    const window = windowAt(freeze, now);
    if (window) out.push({ name: freeze.name, reason: freeze.reason ?? `freeze ${freeze.name}`, ...window });
  }
  return out;
}

/** One line for people: `black-friday (peak traffic) until 2026-12-01T00:00:00Z`. */
export function describeFreezes(freezes: readonly ActiveFreeze[]): string {
  return freezes
    .map((f) => `${f.name} (${f.reason}) until ${new Date(f.to).toISOString().replace('.000Z', 'Z')}`)
    .join('; ');
}

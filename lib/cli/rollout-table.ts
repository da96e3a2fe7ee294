import type { RolloutStatus } from '../engine/engine.js';

const COLUMNS = ['ID', 'TARGET', 'REVISION', 'PHASE', 'WEIGHT', 'STEP', 'AGE', 'LAST DECISION'] as const;
const WIDE = ['CLUSTER', 'IMAGE', 'SOURCE'] as const;

/** `5s`, `3m`, `2h`, `4d`, as kubectl shows ages. */
export function age(fromIso: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 2 * 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 2 * 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

export function stepLabel(status: RolloutStatus): string {
  if (status.steps.length === 0 || status.stepIndex < 0) return `-/${status.steps.length || '-'}`;
  return `${status.stepIndex + 1}/${status.steps.length}`;
}

export function lastDecisionText(status: RolloutStatus, max = 60): string {
  const d = status.lastDecision;
  if (!d) return '';
  const text = `${d.rule}: ${d.explanation?.summary ?? d.reason}`.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `aviary get rollouts`: kubectl-style columns, padded to the widest cell. */
export function rolloutTable(rollouts: RolloutStatus[], now: number, wide = false): string {
  const header: string[] = [...COLUMNS, ...(wide ? WIDE : [])];
  const rows = rollouts.map((r) => [
    r.id,
    r.target,
    r.revision.length > 12 && /^[0-9a-f]{40}$/.test(r.revision) ? r.revision.slice(0, 12) : r.revision,
    r.phase,
    `${r.canaryWeight}%`,
    stepLabel(r),
    age(r.createdAt, now),
    lastDecisionText(r, wide ? 120 : 60),
    ...(wide
      ? [r.cluster, r.image ?? '-', `${r.source.kind}${r.source.actor ? `:${r.source.actor}` : ''}`]
      : []),
  ]);
  return table([header, ...rows]);
}

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('   ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

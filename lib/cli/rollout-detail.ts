import type { RolloutStatus } from '../engine/engine.js';
import { age, table } from './rollout-table.js';

/** An event Aviary put on the bus for this rollout (the local recorder's view of it). */
export interface RecordedEvent {
  time: string;
  detail: {
    fromPhase: string;
    toPhase: string;
    weight: number;
    decision: { rule: string; reason: string } | null;
  };
}

const BAR = 20;

/** `██████░░░░` for a weight in percent. */
export function weightBar(weight: number): string {
  const full = Math.round((Math.max(0, Math.min(100, weight)) / 100) * BAR);
  return `${'█'.repeat(full)}${'░'.repeat(BAR - full)}`;
}

const MARK: Record<string, string> = { done: '✔', current: '●', next: '○' };

/**
 * `aviary get rollout ID`: the rollout, its steps with a weight bar, the pending approval, the last decisions
 * with their explanation and, locally, the events it sent. Plain text, so it reads the same in CI logs.
 */
export function rolloutDetail(
  status: RolloutStatus,
  now: number,
  options: { decisions?: number; events?: RecordedEvent[]; viewUrl?: string | null } = {},
): string {
  const lines: string[] = [];
  lines.push(`Name:       ${status.id}`);
  lines.push(`Target:     ${status.target} (cluster ${status.cluster})`);
  lines.push(`Revision:   ${status.revision}`);
  lines.push(`Image:      ${status.image ?? '(the canary keeps its image)'}`);
  lines.push(`Phase:      ${status.phase}${status.reason ? ` — ${status.reason}` : ''}`);
  lines.push(`Canary:     ${weightBar(status.canaryWeight)} ${status.canaryWeight}%`);
  if (status.observedWeights) {
    const router = status.observedWeights.canary;
    const converging = router === status.canaryWeight ? '' : ', converging on the intended weight';
    lines.push(`Router:     ${router}% to the canary when last read${converging}`);
  }
  if (status.fleet) lines.push(`Fleet:      ${status.fleet.id}, wave ${status.fleet.wave}`);
  if (status.freezeOverride) {
    lines.push(`Unfrozen:   by ${status.freezeOverride.actor}: ${status.freezeOverride.reason}`);
  } else if (status.freezes && status.freezes.length > 0) {
    const freezes = status.freezes.map(
      (f) => `${f.name} (${f.reason}) until ${new Date(f.to).toISOString()}`,
    );
    lines.push(`Frozen:     ${freezes.join('; ')}`, `            aviary unfreeze ${status.id} --reason "…"`);
  }
  lines.push(
    `Started:    ${status.createdAt} (${age(status.createdAt, now)} ago) by ${status.source.kind}${status.source.actor ? ` ${status.source.actor}` : ''}`,
  );
  if (options.viewUrl) lines.push(`Page:       ${options.viewUrl}`);
  if (status.steps.length > 0) {
    lines.push('', 'Steps:');
    status.steps.forEach((weight, i) => {
      const state = i < status.stepIndex ? 'done' : i === status.stepIndex ? 'current' : 'next';
      lines.push(
        `  ${MARK[state]} ${String(i + 1).padStart(2)}  ${weightBar(weight)} ${String(weight).padStart(3)}%`,
      );
    });
  }
  if (status.approval && status.phase === 'awaiting_approval') {
    const gate = status.approval.gate === 'promotion' ? 'promotion' : `step ${status.approval.gate.slice(5)}`;
    lines.push(
      '',
      `Approval:   pending for ${gate} of ${status.approval.revision}, expires ${new Date(status.approval.expiresAt).toISOString()}`,
      `            aviary approve ${status.id}   |   aviary reject ${status.id} --reason "…"`,
    );
  }
  const decisions = foldHolds(status.history).slice(-(options.decisions ?? 8));
  if (decisions.length > 0) {
    lines.push('', 'Decisions:');
    const rows = decisions.map(({ decision: d, count }) => [
      new Date(d.at).toISOString().slice(11, 19),
      count > 1 ? `${d.action} ×${count}` : d.action,
      `${d.fromPhase}→${d.toPhase}`,
      `${d.weight}%`,
      d.rule,
      `${(d.explanation?.summary ?? d.reason).replace(/\s+/g, ' ')}${d.actor ? ` (${d.actor})` : ''}`,
    ]);
    lines.push(
      ...table([
        ['  TIME', 'ACTION', 'PHASE', 'WEIGHT', 'RULE', 'WHY'],
        ...rows.map((r) => [`  ${r[0]}`, ...r.slice(1)]),
      ])
        .trimEnd()
        .split('\n'),
    );
  }
  if (options.events && options.events.length > 0) {
    lines.push('', 'Events sent (EventBridge "Aviary Rollout State Change"):');
    for (const e of options.events.slice(-8)) {
      const d = e.detail;
      lines.push(
        `  ${e.time.slice(11, 19)}  ${d.fromPhase}→${d.toPhase}  ${d.weight}%  ${d.decision?.rule ?? ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Consecutive holds with the same rule and phase (every window while people decide on an approval) as one row
 * with their count and the latest of them, so the decisions that changed something stay in view.
 */
function foldHolds(
  history: RolloutStatus['history'],
): { decision: RolloutStatus['history'][number]; count: number }[] {
  const rows: { decision: RolloutStatus['history'][number]; count: number }[] = [];
  for (const d of history) {
    const last = rows[rows.length - 1];
    if (
      last &&
      d.action === 'hold' &&
      last.decision.action === 'hold' &&
      last.decision.rule === d.rule &&
      last.decision.fromPhase === d.fromPhase
    )
      rows[rows.length - 1] = { decision: d, count: last.count + 1 };
    else rows.push({ decision: d, count: 1 });
  }
  return rows;
}

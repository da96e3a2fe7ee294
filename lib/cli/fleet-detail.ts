import type { FleetRolloutStatus } from '../model/fleet-status.js';

const MARK: Record<FleetRolloutStatus['waves'][number]['status'], string> = {
  waiting: '○',
  awaiting_approval: '✋',
  running: '▶',
  baking: '…',
  succeeded: '✔',
  failed: '✘',
  skipped: '–',
  reverting: '↶',
  reverted: '↶',
};

/** `aviary get rollout <fleet rollout>`: the fleet rollout, a row per wave and target, the last decisions. */
export function fleetDetail(fleet: FleetRolloutStatus, options: { decisions?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`Name:       ${fleet.id} (fleet ${fleet.fleet})`);
  lines.push(`Revision:   ${fleet.revision}`);
  lines.push(`Image:      ${fleet.image ?? '(each canary keeps its image)'}`);
  lines.push(`Phase:      ${fleet.phase}${fleet.reason ? ` — ${fleet.reason}` : ''}`);
  lines.push(`Wave:       ${fleet.wave} of ${fleet.waves.length}`);
  if (fleet.freezeOverride) {
    lines.push(`Unfrozen:   by ${fleet.freezeOverride.actor}: ${fleet.freezeOverride.reason}`);
  }
  lines.push('', 'Waves:');
  for (const wave of fleet.waves) {
    const gates = [
      wave.bakeSeconds > 0
        ? `bake ${wave.bakeSeconds}s${wave.bakeUntil ? ` until ${wave.bakeUntil}` : ''}`
        : '',
      wave.approval ? (wave.approvedBy ? `approved by ${wave.approvedBy.actor}` : 'approval') : '',
    ].filter(Boolean);
    lines.push(
      `  ${MARK[wave.status]} ${wave.wave}  ${wave.status}${gates.length ? `  (${gates.join(', ')})` : ''}`,
    );
    for (const t of wave.targets) {
      const rollout = t.rollout
        ? `${t.rollout}  ${t.phase ?? '?'}${t.canaryWeight ? ` ${t.canaryWeight}%` : ''}`
        : '—';
      const frozen =
        t.freezes.length > 0 ? `  frozen: ${t.freezes.map((f) => `${f.name} (${f.reason})`).join(', ')}` : '';
      lines.push(`       ${t.target.padEnd(24)} ${rollout}${frozen}`);
    }
  }
  if (fleet.phase === 'awaiting_approval') {
    lines.push(
      '',
      `Approval:   wave ${fleet.wave} waits: aviary approve ${fleet.id}   |   aviary reject ${fleet.id}`,
    );
  }
  const recent = fleet.history.slice(-(options.decisions ?? 6));
  if (recent.length > 0) {
    lines.push('', 'Decisions:');
    for (const d of recent) {
      lines.push(
        `  ${new Date(d.at).toISOString()}  wave ${d.wave}  ${d.action} (${d.rule}): ${d.reason}${d.actor ? ` — ${d.actor}` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

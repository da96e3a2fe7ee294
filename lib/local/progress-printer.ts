import type { RolloutStatus } from '../engine/engine.js';
import type { Decision } from '../model/rollout.js';

/** Terminal progress of rollouts: one line per change of phase, weight or decision, not per poll. */
export function createProgressPrinter(write: (line: string) => void) {
  const last = new Map<string, string>();
  // A hold repeats every window while evidence accumulates; it is shown once per rollout and weight.
  const holdsShown = new Set<string>();
  return (status: RolloutStatus): void => {
    const decision = status.lastDecision;
    const key = `${status.phase}|${status.canaryWeight}|${decision?.at ?? ''}|${decision?.action ?? ''}`;
    if (last.get(status.id) === key) return;
    last.set(status.id, key);
    if (decision?.action === 'wait' || decision?.action === 'hold') {
      const hold = `${status.id}|${status.canaryWeight}`;
      if (holdsShown.has(hold)) return;
      holdsShown.add(hold);
    }
    write(formatProgress(status, decision));
  };
}

export function formatProgress(status: RolloutStatus, decision: Decision | null): string {
  const steps =
    status.steps.length > 0
      ? ` step ${Math.min(status.stepIndex + 1, status.steps.length)}/${status.steps.length}`
      : '';
  const head = `${status.id.padEnd(14)} ${status.phase.padEnd(17)} canary ${String(status.canaryWeight).padStart(3)}%${steps}`;
  if (!decision) return head;
  return `${head}  ← ${decision.action} (${decision.rule}) ${evidence(decision)}${decision.reason}`;
}

function evidence(decision: Decision): string {
  const canary = decision.metrics?.canary;
  const primary = decision.metrics?.primary;
  if (!canary) return '';
  const rate = (w: NonNullable<typeof canary>): string => {
    const total = w.successCount + w.failureCount;
    return total === 0 ? 'n/a' : `${((100 * w.successCount) / total).toFixed(2)}% of ${total}`;
  };
  const p99 = canary.p99Ms === null ? '' : `, p99 ${Math.round(canary.p99Ms)} ms`;
  const vs = primary ? ` vs primary ${rate(primary)}` : '';
  return `[canary ${rate(canary)}${p99}${vs}] `;
}

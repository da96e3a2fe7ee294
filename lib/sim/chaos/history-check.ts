import { isTerminal, type Phase } from '../../model/rollout.js';

/** The fields of a stored decision the checks read. */
export interface HistoryEntry {
  version: number;
  fromPhase: Phase;
  toPhase: Phase;
  action: string;
}

export interface HistoryVerdict {
  /** Each decision starts from the phase the one before it ended in, and the last ends where the rollout is. */
  linear: boolean;
  /** Versions strictly increase in stored order (time, then version): no write was based on a stale read. */
  versionsIncreasing: boolean;
  /** Decisions that moved the rollout into a terminal phase. */
  terminalDecisions: number;
  /** Decisions missing from the chain: breaks in it, plus a last decision that does not end in the rollout's phase. */
  lostTransitions: number;
  problems: string[];
}

/** Checks one rollout's stored history against its current phase. Pure: the chaos runs and tests share it. */
export function checkHistory(history: readonly HistoryEntry[], phase: Phase): HistoryVerdict {
  const problems: string[] = [];
  let versionsIncreasing = true;
  let lostTransitions = 0;
  let terminalDecisions = 0;
  history.forEach((entry, i) => {
    if (isTerminal(entry.toPhase)) {
      terminalDecisions += 1;
      if (i !== history.length - 1)
        problems.push(`terminal decision ${entry.action} at v${entry.version} is not the last`);
    }
    const before = history[i - 1];
    if (!before) return;
    if (entry.version <= before.version) {
      versionsIncreasing = false;
      problems.push(`v${entry.version} (${entry.action}) follows v${before.version} (${before.action})`);
    }
    if (entry.fromPhase !== before.toPhase) {
      lostTransitions += 1;
      problems.push(
        `${entry.action} at v${entry.version} starts from ${entry.fromPhase}, but the decision before ended in ${before.toPhase}`,
      );
    }
  });
  const last = history[history.length - 1];
  if (!last) {
    lostTransitions += 1;
    problems.push('no decision at all');
  } else if (last.toPhase !== phase) {
    lostTransitions += 1;
    problems.push(`the rollout is ${phase}, but its last decision (${last.action}) ended in ${last.toPhase}`);
  }
  if (isTerminal(phase) && terminalDecisions !== 1)
    problems.push(`${terminalDecisions} terminal decisions for a ${phase} rollout`);
  return {
    linear: lostTransitions === 0 && problems.every((p) => !p.includes('is not the last')),
    versionsIncreasing,
    terminalDecisions,
    lostTransitions,
    problems,
  };
}

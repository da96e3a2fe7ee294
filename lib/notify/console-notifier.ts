import type { Rollout } from '../model/rollout.js';
import type { Notifier } from './notifier.js';

/** One readable line per transition for the terminal of `npm start`. */
export function formatProgressLine(rollout: Rollout, at: number): string {
  const time = new Date(at).toISOString().slice(11, 19);
  const decision = rollout.lastDecision;
  const why = decision ? ` · ${decision.rule}: ${decision.explanation?.summary ?? decision.reason}` : '';
  const approval =
    rollout.phase === 'awaiting_approval' && rollout.approval
      ? ` (waiting for approval of ${rollout.approval.gate})`
      : '';
  return `${time} ${rollout.target} ${rollout.revision} [${rollout.id}] ${rollout.phase} canary ${rollout.canaryWeight}%${approval}${why}`;
}

export interface ConsoleNotifierOptions {
  write?: (line: string) => void;
  clock?: () => number;
}

/** Prints each rollout's progress; a publish that would print the same line again prints nothing. */
export function createConsoleNotifier(options: ConsoleNotifierOptions = {}): Notifier {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? Date.now;
  const last = new Map<string, string>();
  return {
    async publish(rollout) {
      const line = formatProgressLine(rollout, clock());
      const key = line.slice(line.indexOf(' ') + 1);
      if (last.get(rollout.id) !== key) {
        last.set(rollout.id, key);
        write(line);
      }
      return null;
    },
  };
}

import type { TickSummary } from '../engine/engine.js';

export interface TickLoop {
  stop(): Promise<void>;
}

/**
 * The local stand-in for the EventBridge `rate(1 minute)` rule: runs `tick` every `everyMs`, never two at once
 * (a slow tick delays the next one instead of piling up), reporting failures instead of dying on them.
 */
export function startTickLoop(
  tick: () => Promise<TickSummary>,
  everyMs: number,
  onError: (error: unknown) => void,
  onTick: (summary: TickSummary) => void = () => {},
): TickLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().then(onTick, onError).finally(schedule);
    }, everyMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

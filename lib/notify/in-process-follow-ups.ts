import type { FollowUp, FollowUps } from './follow-up.js';

export interface InProcessFollowUps extends FollowUps {
  /** Resolves when every follow-up handed over so far has run (for tests and a clean shutdown). */
  idle(): Promise<void>;
}

/**
 * Follow-ups in the same process, after the current request has been answered: `npm start` and the tests take
 * the same path as Lambda (acknowledge, then do the Slack work), without a queue. Failures are logged, never
 * thrown at the request that caused them.
 */
export function createInProcessFollowUps(
  run: (work: FollowUp) => Promise<void>,
  log: (message: string, data: Record<string, unknown>) => void = () => {},
): InProcessFollowUps {
  const pending = new Set<Promise<void>>();
  return {
    async enqueue(work) {
      const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => run(work))
        .catch((error: unknown) => log('follow-up failed', { kind: work.kind, error: String(error) }))
        .finally(() => pending.delete(done));
      pending.add(done);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

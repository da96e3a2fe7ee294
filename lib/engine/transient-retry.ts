import { ConflictError, UnavailableError } from '../errors.js';

/** Waits `ms`, or rejects as soon as `signal` aborts (the cluster's time budget ran out). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** How often and how patiently a write is tried again when the cluster failed it for a passing reason. */
export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** Wait before the second attempt; doubled before each next one, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/**
 * A rollback's traffic write: a canary judged bad keeps its share of requests until this write lands, and
 * without a retry a failed write waits a whole interval for the next tick. Eight attempts: under an API server
 * failing one request in five (and a write being a read then a patch), one attempt fails about one time in
 * three, so three attempts would leave about one rollback in thirty still routing to its canary; eight leave one in
 * ten thousand. The waits add up to 3.55 s at most, well inside a cluster's budget (20 s by default), and the
 * budget cuts them short anyway.
 */
export const ROLLBACK_WRITE_RETRY: RetryPolicy = { attempts: 8, firstDelayMs: 50, maxDelayMs: 1_000 };

/**
 * Worth another attempt: the cluster did not answer or answered 5xx or 429 (`UnavailableError`: timeouts and
 * connection resets too), or the write lost a race to another writer and the router's own re-reads ran out
 * (`ConflictError`, 409: a fresh read and write settles it). Anything else (403, 404, 422, an object another
 * controller owns) would fail the same way again: it is given up at once and left to the next tick and a person.
 */
export function isTransientClusterError(error: unknown): boolean {
  return error instanceof UnavailableError || error instanceof ConflictError;
}

export interface RetryOptions {
  policy: RetryPolicy;
  sleep: Sleep;
  /** The cluster's time budget: once it aborts no attempt starts and no wait goes on. */
  signal?: AbortSignal;
  isTransient?: (error: unknown) => boolean;
  /** Told of each failed attempt that is followed by another (for the log). */
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
}

/**
 * Runs `call`, and again after a backoff while it fails for a transient reason, at most `policy.attempts` times
 * and never past the budget. The error thrown is the last attempt's.
 */
export async function retryTransient<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, sleep, signal } = options;
  const isTransient = options.isTransient ?? isTransientClusterError;
  let delayMs = policy.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isTransient(error) || signal?.aborted) throw error;
      options.onRetry?.(attempt, error, delayMs);
      try {
        await sleep(delayMs, signal);
      } catch {
        // The budget ran out while waiting: the write's own failure is what the caller reports.
        throw error;
      }
      if (signal?.aborted) throw error;
      delayMs = Math.min(delayMs * 2, policy.maxDelayMs);
    }
  }
}

/** Real time: a timer, cleared when the signal aborts. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

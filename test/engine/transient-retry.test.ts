import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  isTransientClusterError,
  type RetryPolicy,
  ROLLBACK_WRITE_RETRY,
  retryTransient,
  timerSleep,
} from '../../lib/engine/transient-retry.js';
import { ConfigurationError, ConflictError, NotFoundError, UnavailableError } from '../../lib/errors.js';
import { toKubeError } from '../../lib/kube/api-error.js';

const POLICY: RetryPolicy = { attempts: 4, firstDelayMs: 50, maxDelayMs: 120 };

/** A call that fails with the given errors in turn, then answers 'written'. */
function failing(errors: unknown[]) {
  let calls = 0;
  const call = async () => {
    calls += 1;
    const error = errors[calls - 1];
    if (error !== undefined) throw error;
    return 'written';
  };
  return { call, calls: () => calls };
}

/** A sleep that records what it was asked to wait and returns at once. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** What the Kubernetes client throws for an HTTP status, mapped the way every router call maps it. */
const status = (code: number) =>
  toKubeError(
    new ApiException(code, `HTTP ${code}`, { kind: 'Status', message: `status ${code}` }, {}),
    'patch x',
  );

describe('isTransientClusterError', () => {
  it('retries 5xx, 429, timeouts and connection resets, and a 409 the router could not settle', () => {
    for (const code of [500, 502, 503, 504, 429])
      expect(isTransientClusterError(status(code)), String(code)).toBe(true);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(isTransientClusterError(toKubeError(reset, 'patch x'))).toBe(true);
    const timeout = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    expect(isTransientClusterError(toKubeError(timeout, 'patch x'))).toBe(true);
    expect(isTransientClusterError(status(409))).toBe(true);
  });

  it('gives up at once on 403, 404, 422 and a configuration the router must not touch', () => {
    for (const code of [400, 401, 403, 404, 422])
      expect(isTransientClusterError(status(code)), String(code)).toBe(false);
    expect(isTransientClusterError(new NotFoundError('gone'))).toBe(false);
    expect(isTransientClusterError(new ConfigurationError('owned by Flagger'))).toBe(false);
    expect(isTransientClusterError(new Error('anything else'))).toBe(false);
  });
});

describe('retryTransient', () => {
  it('tries a transient failure again after a doubling wait, capped, until the write lands', async () => {
    const { call, calls } = failing([status(503), new UnavailableError('timeout'), new ConflictError('409')]);
    const { waits, sleep } = recordingSleep();
    const retried: number[] = [];
    const result = await retryTransient(call, {
      policy: POLICY,
      sleep,
      onRetry: (attempt) => retried.push(attempt),
    });
    expect(result).toBe('written');
    expect(calls()).toBe(4);
    expect(waits).toEqual([50, 100, 120]);
    expect(retried).toEqual([1, 2, 3]);
  });

  it("stops after the policy's attempts and throws the last failure", async () => {
    const errors = [status(500), status(502), status(503), status(504), status(500)];
    const { call, calls } = failing(errors);
    const { waits, sleep } = recordingSleep();
    await expect(retryTransient(call, { policy: POLICY, sleep })).rejects.toBe(errors[3]);
    expect(calls()).toBe(POLICY.attempts);
    expect(waits).toHaveLength(POLICY.attempts - 1);
  });

  it('does not retry a permanent failure', async () => {
    for (const code of [403, 404, 422]) {
      const error = status(code);
      const { call, calls } = failing([error]);
      const { waits, sleep } = recordingSleep();
      await expect(retryTransient(call, { policy: POLICY, sleep })).rejects.toBe(error);
      expect(calls(), String(code)).toBe(1);
      expect(waits).toEqual([]);
    }
  });

  it('starts no attempt once the budget is spent', async () => {
    const budget = new AbortController();
    const first = status(503);
    const { call, calls } = failing([first, status(503)]);
    // The budget runs out while the first wait goes on.
    const sleep = async () => budget.abort(new Error('cluster budget spent'));
    await expect(retryTransient(call, { policy: POLICY, sleep, signal: budget.signal })).rejects.toBe(first);
    expect(calls()).toBe(1);
  });

  it('does not wait when the budget is already spent', async () => {
    const budget = new AbortController();
    budget.abort();
    const first = status(503);
    const { call, calls } = failing([first]);
    const { waits, sleep } = recordingSleep();
    await expect(retryTransient(call, { policy: POLICY, sleep, signal: budget.signal })).rejects.toBe(first);
    expect(calls()).toBe(1);
    expect(waits).toEqual([]);
  });

  it("cuts a real wait short when the budget aborts, and reports the write's failure", async () => {
    const budget = new AbortController();
    const first = status(503);
    const { call, calls } = failing([first, status(503)]);
    const policy: RetryPolicy = { attempts: 3, firstDelayMs: 3_600_000, maxDelayMs: 3_600_000 };
    const run = retryTransient(call, {
      policy,
      sleep: timerSleep,
      signal: budget.signal,
      // Aborted as soon as the hour-long wait has begun: the run ends on the abort, not on the timer.
      onRetry: () => queueMicrotask(() => budget.abort(new Error('budget'))),
    });
    await expect(run).rejects.toBe(first);
    expect(calls()).toBe(1);
  });

  it('the rollback policy waits at most 3.55 s in all, far inside the default 20 s cluster budget', async () => {
    const { call, calls } = failing(Array.from({ length: 20 }, () => status(503)));
    const { waits, sleep } = recordingSleep();
    await expect(retryTransient(call, { policy: ROLLBACK_WRITE_RETRY, sleep })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    expect(calls()).toBe(8);
    expect(waits).toEqual([50, 100, 200, 400, 800, 1_000, 1_000]);
  });
});

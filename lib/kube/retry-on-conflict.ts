import { ConflictError } from '../errors.js';

/** Enough for a human editing the same object at the same time; a controller fighting us is not outlasted. */
export const DEFAULT_CONFLICT_ATTEMPTS = 5;

/**
 * Optimistic concurrency against the API server: `attempt` reads the object fresh, computes its write and
 * sends it with the resourceVersion it read; a 409 (ConflictError) means someone wrote in between, so the
 * whole read-compute-write runs again, up to `attempts` times.
 */
export async function retryOnConflict<T>(
  what: string,
  attempt: () => Promise<T>,
  attempts = DEFAULT_CONFLICT_ATTEMPTS,
): Promise<T> {
  let last: ConflictError | undefined;
  for (let i = 0; i < attempts; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      last = error;
    }
  }
  throw new ConflictError(
    `${what}: still conflicting after ${attempts} attempts (${last?.message ?? 'no detail'})`,
  );
}

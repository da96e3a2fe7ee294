import { setTimeout as sleep } from 'node:timers/promises';

/** Reads until `done` holds (the test's own timeout bounds the wait); returns the last reading. */
export async function readUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  pollMs = 20,
): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await sleep(pollMs);
  }
}

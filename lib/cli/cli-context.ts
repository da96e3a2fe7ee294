import { setTimeout as delay } from 'node:timers/promises';

/**
 * What a CLI command touches outside itself: its output streams, environment, clock and sleep. Injected so
 * `status --wait` and `get -w` can be tested with a controllable clock instead of wall-clock time.
 */
export interface CliContext {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  clock(): number;
  sleep(ms: number): Promise<void>;
  /** Redraw in place (`-w`) only on a terminal; elsewhere print each new view once. */
  isTTY: boolean;
}

export function processContext(): CliContext {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    clock: Date.now,
    sleep: (ms) => delay(ms),
    isTTY: process.stdout.isTTY === true,
  };
}

/** A usage mistake: one line on stderr, the command's usage, exit 2; nothing was sent. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Anything else that stops a command: one line on stderr, exit 1. */
export class CliError extends Error {
  override name = 'CliError';
}

import { parseArgs } from 'node:util';
import { parseGoDuration } from '../metrics/go-duration.js';
import { UsageError } from './cli-context.js';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Options every command that talks to Aviary takes. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  region: { type: 'string' },
  sigv4: { type: 'boolean' },
} as const satisfies OptionSpec;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/** Strict parsing: an unknown flag (a typo) is a UsageError naming it, never silently ignored. */
export function parseCliArgs(argv: string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    const all = values as Record<string, string | boolean | undefined>;
    return { values: all, positionals, help: all.help === true };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
}

/** `30m`, `90s`, `1h30m`, `0s` → milliseconds. */
export function durationMs(flag: string, text: string): number {
  try {
    const seconds = parseGoDuration(text);
    if (seconds < 0) throw new Error('negative');
    return Math.round(seconds * 1000);
  } catch {
    throw new UsageError(`${flag} must be a duration like 30s, 10m or 1h30m, got "${text}"`);
  }
}

export function stringOption(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

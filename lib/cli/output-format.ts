import { stringify } from 'yaml';
import { UsageError } from './cli-context.js';

export const OUTPUTS = ['table', 'wide', 'json', 'yaml'] as const;
export type Output = (typeof OUTPUTS)[number];

export function outputOf(value: string | undefined): Output {
  if (value === undefined) return 'table';
  if (!(OUTPUTS as readonly string[]).includes(value))
    throw new UsageError(`-o must be one of json, yaml, wide, got "${value}"`);
  return value as Output;
}

/** Machine-readable output: JSON, or YAML (as `kubectl -o yaml`). */
export function serialize(value: unknown, output: 'json' | 'yaml'): string {
  return output === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}

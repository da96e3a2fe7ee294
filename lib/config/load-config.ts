import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { AviaryConfig } from '../model/config.js';
import { ConfigError } from './config-errors.js';
import { configFromData } from './config-from-data.js';

// The lookups moved to config-lookup.ts (no YAML parser behind them); re-exported for existing callers.
export {
  fleetApprovers,
  fleetsForGithubEnvironment,
  policyFor,
  resolveFleet,
  resolveTarget,
  targetsForGithubEnvironment,
} from './config-lookup.js';

export const CONFIG_FILE_NAME = 'aviary.config.yaml';

/**
 * `AVIARY_CONFIG` when set; on Lambda the file packaged at the task root; otherwise the repository's own
 * file. Worked out on each call (not at import) because a bundled handler has no meaningful module URL.
 */
export function defaultConfigPath(): string {
  if (process.env.AVIARY_CONFIG) return process.env.AVIARY_CONFIG;
  if (process.env.LAMBDA_TASK_ROOT) return path.join(process.env.LAMBDA_TASK_ROOT, CONFIG_FILE_NAME);
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', CONFIG_FILE_NAME);
}

/** Reads and validates the configuration file; throws ConfigError naming the file and every field at fault. */
export function loadConfig(file: string = defaultConfigPath()): AviaryConfig {
  const name = displayName(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(name, [`cannot read the file: ${e instanceof Error ? e.message : String(e)}`]);
  }
  return parseConfig(text, name);
}

/** Parses YAML text as the configuration; `fileName` is only used in error messages. */
export function parseConfig(text: string, fileName: string): AviaryConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      fileName,
      doc.errors.map((e) => {
        const where = e.linePos?.[0];
        // The pretty message repeats the position and quotes the source; the first sentence is the point.
        const message = e.message.split(/ at line \d+|\n/)[0]?.trim() || e.code;
        return where ? `line ${where.line}, column ${where.col}: ${message}` : message;
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    throw new ConfigError(fileName, [e instanceof Error ? e.message : String(e)]);
  }
  return configFromData(data, fileName);
}

/** Relative to the working directory when the file is under it: shorter, and what the user typed. */
function displayName(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import {
  type AviaryConfig,
  AviaryConfigSchema,
  type ResolvedFleet,
  type ResolvedTarget,
} from '../model/config.js';
import type { Policy } from '../model/policy.js';
import { ConfigError } from './config-errors.js';
import { configErrorMap, issueLines } from './config-issues.js';

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
  if (data === null || data === undefined) {
    throw new ConfigError(fileName, ['is empty: expected a mapping with clusters, policies and targets']);
  }
  const parsed = AviaryConfigSchema.safeParse(data, { error: configErrorMap });
  if (!parsed.success) throw new ConfigError(fileName, issueLines(parsed.error.issues));
  return parsed.data;
}

export function resolveTarget(config: AviaryConfig, name: string): ResolvedTarget | null {
  if (!Object.hasOwn(config.targets, name)) return null;
  const target = config.targets[name];
  return target ? { ...target, name } : null;
}

/** The policy a target names. Throws for an unknown target; a parsed config always has the policy. */
export function policyFor(config: AviaryConfig, targetName: string): Policy {
  const target = resolveTarget(config, targetName);
  if (!target) throw new Error(`unknown target "${targetName}"`);
  const policy = Object.hasOwn(config.policies, target.policy) ? config.policies[target.policy] : undefined;
  if (!policy) throw new Error(`target "${targetName}" names unknown policy "${target.policy}"`);
  return policy;
}

/** Targets a GitHub deployment to `environment` rolls out to, in configuration order. */
export function targetsForGithubEnvironment(config: AviaryConfig, environment: string): ResolvedTarget[] {
  return Object.entries(config.targets)
    .filter(([, target]) => target.githubEnvironments.includes(environment))
    .map(([name, target]) => ({ ...target, name }));
}

/** Fleets a GitHub deployment to `environment` starts, in configuration order. */
export function fleetsForGithubEnvironment(config: AviaryConfig, environment: string): string[] {
  return Object.entries(config.fleets)
    .filter(([, fleet]) => fleet.githubEnvironments.includes(environment))
    .map(([name]) => name);
}

/** The fleet of that name with its name, or null. */
export function resolveFleet(config: AviaryConfig, name: string): ResolvedFleet | null {
  if (!Object.hasOwn(config.fleets, name)) return null;
  const fleet = config.fleets[name];
  return fleet ? { ...fleet, name } : null;
}

/** Who may approve a fleet's waves or unfreeze it: its own approvers, else the approvers of its targets. */
export function fleetApprovers(config: AviaryConfig, fleet: ResolvedFleet): string[] {
  if (fleet.approvers.length > 0) return fleet.approvers;
  const all = fleet.waves.flatMap((w) => w.targets.flatMap((t) => resolveTarget(config, t)?.approvers ?? []));
  return [...new Set(all)];
}

/** Relative to the working directory when the file is under it: shorter, and what the user typed. */
function displayName(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

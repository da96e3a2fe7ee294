import { type AviaryConfig, AviaryConfigSchema } from '../model/config.js';
import { ConfigError } from './config-errors.js';
import { configErrorMap, issueLines } from './config-issues.js';

/**
 * The configuration from its data (the YAML file's content as plain values): validated, defaults applied;
 * throws ConfigError naming `fileName` and every field at fault. No YAML parser here: a Lambda bundle gets the
 * data embedded at build time (lib/config/packaged-config.ts).
 */
export function configFromData(data: unknown, fileName: string): AviaryConfig {
  if (data === null || data === undefined) {
    throw new ConfigError(fileName, ['is empty: expected a mapping with clusters, policies and targets']);
  }
  const parsed = AviaryConfigSchema.safeParse(data, { error: configErrorMap });
  if (!parsed.success) throw new ConfigError(fileName, issueLines(parsed.error.issues));
  return parsed.data;
}

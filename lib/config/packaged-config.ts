import type { AviaryConfig } from '../model/config.js';
import { loadConfig } from './load-config.js';

/**
 * The configuration a Lambda function runs with. Run from source (tests, the local stack) this reads the file
 * (`AVIARY_CONFIG`, else the packaged or repository copy). In a Lambda bundle, `infra/esbuild-plugins.cjs`
 * replaces this module with the file's data parsed at build time (still validated here at cold start), so no
 * function ships a YAML parser, and a file that is not YAML fails the build rather than a cold start.
 */
export function packagedConfig(): AviaryConfig {
  return loadConfig();
}

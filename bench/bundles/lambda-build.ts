import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';

interface ServerlessFile {
  functions: Record<string, { handler: string }>;
  custom: { esbuild: Record<string, unknown> & { plugins?: string } };
}

export interface LambdaBuild {
  /** Function name → its handler's source file (relative to the repository). */
  functions: Record<string, string>;
  /** The esbuild options serverless.yml gives serverless-esbuild, resolved as the packager resolves them. */
  options: BuildOptions;
}

/**
 * The per-function build exactly as `serverless.yml` declares it (the single source of truth): entry points,
 * esbuild options and plugins. Stage parameters take their defaults unless given.
 */
export function lambdaBuild(root: string, params: { sourceMaps?: boolean } = {}): LambdaBuild {
  const file = parse(readFileSync(path.join(root, 'serverless.yml'), 'utf8')) as ServerlessFile;
  const functions = Object.fromEntries(
    Object.entries(file.functions).map(([name, fn]) => [name, `${fn.handler.replace(/\.[^.]+$/, '')}.ts`]),
  );
  const {
    plugins: pluginsFile,
    exclude: _exclude,
    outputFileExtension: _ext,
    ...esbuild
  } = file.custom.esbuild;
  const plugins = pluginsFile
    ? (createRequire(path.join(root, 'package.json'))(`./${pluginsFile}`) as Plugin[])
    : [];
  const options: BuildOptions = {
    ...(esbuild as BuildOptions),
    sourcemap: params.sourceMaps ?? false,
    plugins,
    absWorkingDir: root,
    logLevel: 'silent',
  };
  return { functions, options };
}

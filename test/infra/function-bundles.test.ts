import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The handler files serverless.yml packages, by function name. */
function packagedFunctions(): Record<string, string> {
  const doc = parse(readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8')) as {
    functions: Record<string, { handler: string }>;
  };
  return Object.fromEntries(
    Object.entries(doc.functions).map(([name, fn]) => [name, `${fn.handler.replace(/\.[^.]+$/, '')}.ts`]),
  );
}

/** The source files and packages esbuild puts in a function's bundle (as serverless-esbuild builds it). */
async function bundleInputs(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  return Object.keys(result.metafile.inputs);
}

const CLUSTER_ACCESS = [
  /^node_modules\/@kubernetes\/client-node\//,
  /^lib\/cluster\//,
  /^lib\/router\//,
  /^lib\/metrics\//,
];
const LOCAL_ONLY = [
  /^lib\/sim\//,
  /^lib\/local\//,
  /^lib\/cli\//,
  /^node_modules\/@peculiar\//,
  /^node_modules\/reflect-metadata\//,
];

let inputs: Record<string, string[]>;

beforeAll(async () => {
  const functions = packagedFunctions();
  inputs = Object.fromEntries(
    await Promise.all(
      Object.entries(functions).map(async ([name, entry]) => [name, await bundleInputs(entry)] as const),
    ),
  );
}, 120_000);

describe('each function bundles only what it uses', () => {
  it('packages the seven functions', () => {
    expect(Object.keys(inputs).sort()).toEqual([
      'clusterWorker',
      'deployEvent',
      'deployWebhook',
      'githubWebhook',
      'rolloutsApi',
      'slackWebhook',
      'tick',
    ]);
  });

  it('gives cluster access, routers and metric sources to the cluster worker alone', () => {
    for (const [name, files] of Object.entries(inputs)) {
      const reached = files.filter((f) => CLUSTER_ACCESS.some((p) => p.test(f)));
      if (name === 'clusterWorker') {
        expect(reached.some((f) => f.startsWith('node_modules/@kubernetes/client-node/'))).toBe(true);
        expect(reached.some((f) => f.startsWith('lib/router/'))).toBe(true);
        expect(reached.some((f) => f.startsWith('lib/metrics/'))).toBe(true);
      } else {
        expect(reached, name).toEqual([]);
      }
    }
  });

  it('never ships the local stack, the simulators or their test-only certificate libraries', () => {
    for (const [name, files] of Object.entries(inputs)) {
      expect(
        files.filter((f) => LOCAL_ONLY.some((p) => p.test(f))),
        name,
      ).toEqual([]);
    }
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lambdaBuild } from '../../bench/bundles/lambda-build.js';

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
  // What @peculiar/x509 brings with it.
  /^node_modules\/tsyringe\//,
  /^node_modules\/pvtsutils\//,
  /^node_modules\/asn1js\//,
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

  it('names the local-only modules as the metafiles spell them (a bundle of the test certificates holds them)', async () => {
    const certificates = await bundleInputs('lib/sim/tls/x509.ts');
    for (const name of ['lib/sim/', '@peculiar/', 'reflect-metadata/', 'tsyringe/']) {
      expect(
        certificates.some((f) => f.includes(name) && LOCAL_ONLY.some((p) => p.test(f))),
        name,
      ).toBe(true);
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

describe('the bundles serverless.yml builds (its plugins included)', () => {
  /** Modules no function ships: the YAML parser (the configuration is built in) and the generated SSM and
   * Secrets Manager clients (secrets come through one signed call each). */
  const NEVER_SHIPPED = [
    /^node_modules\/yaml\//,
    /^node_modules\/@aws-sdk\/client-ssm\//,
    /^node_modules\/@aws-sdk\/client-secrets-manager\//,
  ];

  it('holds the configuration as data, with no YAML parser and no generated secrets client', async () => {
    const { functions, options } = lambdaBuild(ROOT);
    for (const name of ['deployWebhook', 'clusterWorker']) {
      const entry = functions[name];
      if (!entry) throw new Error(`serverless.yml has no ${name}`);
      const result = await build({
        ...options,
        entryPoints: [path.join(ROOT, entry)],
        write: false,
        metafile: true,
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(
        inputs.some((f) => f.startsWith('lib/config/config-from-data.ts')),
        name,
      ).toBe(true);
      expect(
        inputs.filter((f) => NEVER_SHIPPED.some((p) => p.test(f))),
        name,
      ).toEqual([]);
      // The configuration file's data is in the code: a target it names appears verbatim.
      const code = result.outputFiles?.[0]?.text ?? '';
      expect(code, name).toContain('built into the bundle');
      expect(code, name).toContain(
        JSON.stringify(
          Object.keys(parse(readFileSync(path.join(ROOT, 'aviary.config.yaml'), 'utf8')).targets)[0],
        ),
      );
    }
  }, 120_000);
});

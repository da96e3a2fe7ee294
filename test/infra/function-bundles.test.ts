import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it, vi } from 'vitest';
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
  /** Modules no function ships: the YAML parser (the configuration is built in), the generated SSM and
   * Secrets Manager clients (secrets come through one signed call each), and the SDK's default credential chain
   * past the environment (on Lambda the role's credentials are in the environment and nowhere else). */
  const NEVER_SHIPPED = [
    /^node_modules\/yaml\//,
    /^node_modules\/@aws-sdk\/client-ssm\//,
    /^node_modules\/@aws-sdk\/client-secrets-manager\//,
    /^node_modules\/@aws-sdk\/credential-provider-(node|ini|sso|login|process|web-identity)\//,
  ];

  it('holds the configuration as data, with no YAML parser, no generated secrets client and no credential chain past the environment', async () => {
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
      // What reaches the bundle's code (a module esbuild reads and tree-shakes away entirely ships nothing).
      const shipped = Object.values(result.metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, input]) => input.bytesInOutput > 0)
          .map(([file]) => file),
      );
      // The environment is where the clients' default provider reads the credentials.
      expect(
        shipped.some((f) => f.startsWith('node_modules/@aws-sdk/credential-provider-env/')),
        name,
      ).toBe(true);
      expect(
        inputs.some((f) => f.startsWith('lib/config/config-from-data.ts')),
        name,
      ).toBe(true);
      expect(
        shipped.filter((f) => NEVER_SHIPPED.some((p) => p.test(f))),
        name,
      ).toEqual([]);
      // The SDK's internal SSO, sign-in and Cognito clients come only with the chain; the cluster worker keeps STS
      // alone, for AssumeRole into a cluster's account (fromTemporaryCredentials).
      expect(
        shipped.filter(
          (f) =>
            f.startsWith('node_modules/@aws-sdk/nested-clients/') &&
            !(name === 'clusterWorker' && (f.includes('/submodules/sts/') || f.endsWith('/package.json'))),
        ),
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

  it("reads a bundled client's credentials from the environment, as Lambda gives them", async () => {
    const { options } = lambdaBuild(ROOT);
    const dir = mkdtempSync(path.join(tmpdir(), 'aviary-bundle-'));
    try {
      const result = await build({
        ...options,
        stdin: {
          contents: [
            "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
            "export const credentials = () => new DynamoDBClient({ region: 'eu-west-1' }).config.credentials();",
          ].join('\n'),
          resolveDir: ROOT,
          loader: 'ts',
        },
        write: false,
      });
      const file = path.join(dir, 'client.mjs');
      writeFileSync(file, result.outputFiles?.[0]?.text ?? '');
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAENVIRONMENT');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-the-environment');
      vi.stubEnv('AWS_SESSION_TOKEN', 'session-from-the-environment');
      const bundled = (await import(pathToFileURL(file).href)) as {
        credentials: () => Promise<{ accessKeyId: string; sessionToken?: string }>;
      };
      expect(await bundled.credentials()).toMatchObject({
        accessKeyId: 'ASIAENVIRONMENT',
        sessionToken: 'session-from-the-environment',
      });
      vi.stubEnv('AWS_ACCESS_KEY_ID', '');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
      await expect(bundled.credentials()).rejects.toThrow();
    } finally {
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

// `npm run bench:cold [-- --runs N] [--source-maps]`
//
// Each Lambda function's bundle, built as serverless.yml builds it (its own entry point, minified, source maps
// only when asked), beside an all-in bundle of the same code (every handler in one bundle, as one shared
// composition root used to ship) built in the same run with the same options: zip size, bundle size and cold
// import time (a fresh Node process importing the bundle; median of --runs, runs interleaved so machine noise
// hits both sides alike), printed as ratios with a MET / NOT MET line per target.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { build } from 'esbuild';
import { lambdaBuild } from './bundles/lambda-build.js';
import { zipSize } from './bundles/zip-size.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '9' }, 'source-maps': { type: 'boolean', default: false } },
});
const RUNS = Number(values.runs);

/** Targets as ratios to the all-in bundle (size and cold import time); the tick is allowed more. */
const TARGETS: Record<string, { size: number; time: number }> = {
  deployWebhook: { size: 0.3, time: 0.5 },
  githubWebhook: { size: 0.3, time: 0.5 },
  slackWebhook: { size: 0.3, time: 0.5 },
  rolloutsApi: { size: 0.3, time: 0.5 },
  tick: { size: 0.6, time: 0.6 },
};
const ALL_IN = 'all-in';

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  zipBytes: number;
  importMs: number[];
}

const { functions, options } = lambdaBuild(ROOT, { sourceMaps: values['source-maps'] });
const out = mkdtempSync(path.join(tmpdir(), 'aviary-cold-'));
const config = readFileSync(path.join(ROOT, 'aviary.config.yaml'));

async function bundle(name: string, build: () => Promise<unknown>, file: string): Promise<Bundle> {
  await build();
  const code = readFileSync(file);
  const files: Record<string, Buffer> = { 'aviary.config.yaml': config, [path.basename(file)]: code };
  if (values['source-maps']) files[`${path.basename(file)}.map`] = readFileSync(`${file}.map`);
  return { name, file, bytes: code.length, zipBytes: zipSize(files), importMs: [] };
}

/** Milliseconds a fresh Node process spends importing `file` (the process's own start-up excluded). */
async function coldImport(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, AWS_REGION: 'us-east-1', NODE_OPTIONS: '' },
  });
  return Number(stdout);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

try {
  const bundles: Bundle[] = [];
  for (const [name, entry] of Object.entries(functions)) {
    const file = path.join(out, name, 'handler.mjs');
    mkdirSync(path.dirname(file), { recursive: true });
    bundles.push(await bundle(name, () => build({ ...options, entryPoints: [entry], outfile: file }), file));
  }
  // Every handler from one bundle: the same code and options, one entry point.
  const allInFile = path.join(out, ALL_IN, 'handler.mjs');
  const allInEntry = Object.entries(functions)
    .map(([name, entry]) => `export { handler as ${name} } from './${entry}';`)
    .join('\n');
  const allIn = await bundle(
    ALL_IN,
    () =>
      build({
        ...options,
        stdin: { contents: allInEntry, resolveDir: ROOT, sourcefile: 'all-in.ts', loader: 'ts' },
        outfile: allInFile,
      }),
    allInFile,
  );
  for (let run = 0; run < RUNS; run++) {
    for (const b of [allIn, ...bundles]) b.importMs.push(await coldImport(b.file));
  }

  const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`;
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  console.log(
    `bench:cold — ${RUNS} cold imports each, source maps ${values['source-maps'] ? 'on' : 'off'}\n`,
  );
  console.log(
    `${'bundle'.padEnd(14)}${'zip'.padStart(9)}${'×'.padStart(6)}${'bundle'.padStart(10)}${'×'.padStart(6)}${'import'.padStart(10)}${'×'.padStart(6)}`,
  );
  const allInMs = median(allIn.importMs);
  for (const b of [allIn, ...bundles]) {
    const ms = median(b.importMs);
    console.log(
      `${b.name.padEnd(14)}${kb(b.zipBytes).padStart(9)}${ratio(b.zipBytes, allIn.zipBytes).padStart(6)}${kb(b.bytes).padStart(10)}${ratio(b.bytes, allIn.bytes).padStart(6)}${`${ms.toFixed(0)} ms`.padStart(10)}${ratio(ms, allInMs).padStart(6)}`,
    );
  }
  console.log('');
  let missed = 0;
  for (const b of bundles) {
    const target = TARGETS[b.name];
    if (!target) continue;
    const size = b.bytes / allIn.bytes;
    const time = median(b.importMs) / allInMs;
    const met = size <= target.size && time <= target.time;
    if (!met) missed++;
    console.log(
      `${met ? 'MET    ' : 'NOT MET'} ${b.name}: bundle ${size.toFixed(2)}× ≤ ${target.size}×, cold import ${time.toFixed(2)}× ≤ ${target.time}× of the all-in bundle`,
    );
  }
  process.exitCode = missed > 0 ? 1 : 0;
} finally {
  rmSync(out, { recursive: true, force: true });
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, graphOf, type ImportEdge, importsOf, reaches, readSources } from './import-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const graph = graphOf(readSources(ROOT, ['lib', 'functions']));

/** Code that runs only on a laptop or in tests: the local stack, the simulator and the CLI. */
const LOCAL_ONLY = /^lib\/(sim|local|cli)\//;
/** Packages only the local stack's test certificates need (never shipped to Lambda). */
const LOCAL_ONLY_PACKAGES = new Set(['@peculiar/x509', 'reflect-metadata']);

const under = (directory: string) => (file: string) => file.startsWith(`${directory}/`);
const intoFile = (test: (file: string) => boolean) => (edge: ImportEdge) =>
  edge.file !== null && test(edge.file);

describe('the import graph reader', () => {
  it('reads static, type-only, re-export, side-effect and dynamic imports, and skips comments', () => {
    const edges = importsOf(
      'lib/a/b.ts',
      [
        "import { x } from './x.js';",
        "import type {\n  Y,\n  Z,\n} from '../y/y.js';",
        "export { w } from './w.js';",
        "import 'reflect-metadata';",
        "const later = await import('../../functions/f.js');",
        "// import { no } from './commented.js';",
        "/** import { neither } from './doc.js'; */",
        "const from = 'not-an-import';",
      ].join('\n'),
    );
    expect(edges).toEqual([
      { specifier: './x.js', file: 'lib/a/x.ts', typeOnly: false },
      { specifier: '../y/y.js', file: 'lib/y/y.ts', typeOnly: true },
      { specifier: './w.js', file: 'lib/a/w.ts', typeOnly: false },
      { specifier: 'reflect-metadata', file: null, typeOnly: false },
      { specifier: '../../functions/f.js', file: 'functions/f.ts', typeOnly: false },
    ]);
  });

  it('finds a cycle and names the chain by which one layer reaches another', () => {
    const made = graphOf(
      new Map([
        ['lib/a/one.ts', "import { two } from './two.js';"],
        ['lib/a/two.ts', "import { three } from '../b/three.js';"],
        ['lib/b/three.ts', "import type { One } from '../a/one.js';\nimport 'reflect-metadata';"],
        ['lib/c/alone.ts', "import { z } from 'zod';"],
      ]),
    );
    expect(cycles(made)).toEqual([['lib/a/one.ts', 'lib/a/two.ts', 'lib/b/three.ts']]);
    expect(reaches(made, under('lib/c'), intoFile(under('lib/a')))).toEqual([]);
    expect(reaches(made, (file) => file === 'lib/a/two.ts', intoFile(under('lib/a')))).toEqual([
      ['lib/a/two.ts', 'lib/b/three.ts', 'lib/a/one.ts'],
    ]);
    expect(
      reaches(
        made,
        (file) => file === 'lib/a/one.ts',
        (edge) => edge.specifier === 'reflect-metadata',
      ),
    ).toEqual([['lib/a/one.ts', 'lib/a/two.ts', 'lib/b/three.ts', 'reflect-metadata']]);
  });
});

describe('the layers of lib/ and functions/', () => {
  it('reads the real sources (the checks below see the whole tree)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('functions/slack-webhook.ts')?.length).toBeGreaterThan(0);
    // Every relative import resolves to a file that exists: a reader that lost edges would pass every check.
    const dangling = [...graph].flatMap(([file, edges]) =>
      edges
        .filter((edge) => edge.file !== null && !graph.has(edge.file))
        .map((edge) => `${file} → ${edge.specifier}`),
    );
    expect(dangling).toEqual([]);
  });

  it('has no circular imports (type-only imports included)', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps lib/signatures free of lib/http, directly or through another module', () => {
    expect(reaches(graph, under('lib/signatures'), intoFile(under('lib/http')))).toEqual([]);
  });

  it('keeps lib/slack free of the engine, directly or through another module', () => {
    expect(reaches(graph, under('lib/slack'), intoFile(under('lib/engine')))).toEqual([]);
  });

  it('lets the simulated mesh and the API double read routes with their own code, never the product routers', () => {
    const simulator = (file: string) => /^lib\/sim\/(cluster|kube-api)\//.test(file);
    expect(reaches(graph, simulator, intoFile(under('lib/router')))).toEqual([]);
  });

  it('keeps lib/core and lib/analysis pure of adapters and the engine', () => {
    const adapters = /^lib\/(engine|app|http|store|router|metrics|cluster|kube|notify|queue|aws)\//;
    for (const layer of ['lib/core', 'lib/analysis']) {
      expect(
        reaches(
          graph,
          under(layer),
          intoFile((file) => adapters.test(file)),
        ),
      ).toEqual([]);
    }
  });

  it('never lets what Lambda ships reach lib/sim, lib/local or lib/cli, or their test-only packages', () => {
    const shipped = (file: string) =>
      file.startsWith('functions/') || (file.startsWith('lib/') && !LOCAL_ONLY.test(file));
    expect(
      reaches(
        graph,
        shipped,
        intoFile((file) => LOCAL_ONLY.test(file)),
      ),
    ).toEqual([]);
    expect(reaches(graph, shipped, (edge) => LOCAL_ONLY_PACKAGES.has(edge.specifier))).toEqual([]);
  });
});

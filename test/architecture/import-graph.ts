import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The import graph of the sources, read from their import and export lines (no TypeScript program: a regular
 * expression over the text is enough for code whose every import is a static `import … from '…'`, an
 * `export … from '…'`, a side-effect `import '…'` or a dynamic `import('…')`).
 */
export interface ImportEdge {
  /** The specifier as written. */
  specifier: string;
  /** Repository-relative `.ts` path for a relative import; null for a package. */
  file: string | null;
  typeOnly: boolean;
}

export type ImportGraph = Map<string, ImportEdge[]>;

const STATIC_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"\n]+)['"]/g;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g;

/** Drops comments so an example in a doc comment is not read as an import. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The imports of one file, given its repository-relative path and text. */
export function importsOf(file: string, source: string): ImportEdge[] {
  const text = withoutComments(source);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const relative = specifier.startsWith('.');
    const target = relative
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts')
      : null;
    edges.push({ specifier, file: target, typeOnly });
  };
  for (const match of text.matchAll(STATIC_IMPORT)) add(match[2] as string, match[1] !== undefined);
  for (const match of text.matchAll(DYNAMIC_IMPORT)) add(match[1] as string, false);
  return edges;
}

/** The graph of the given sources (repository-relative path → text). */
export function graphOf(sources: Map<string, string>): ImportGraph {
  return new Map([...sources].map(([file, source]) => [file, importsOf(file, source)]));
}

/** Every `.ts` file under the given repository-relative directories. */
export function readSources(root: string, directories: string[]): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (directory: string) => {
    for (const entry of readdirSync(path.join(root, directory), { withFileTypes: true })) {
      const relative = path.posix.join(directory, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.ts'))
        sources.set(relative, readFileSync(path.join(root, relative), 'utf8'));
    }
  };
  for (const directory of directories) walk(directory);
  return sources;
}

/** The groups of files that import each other in a circle (Tarjan's strongly connected components). */
export function cycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const edge of graph.get(file) ?? []) {
      const next = edge.file;
      if (next === null || !graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) as number, index.get(next) as number));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      const selfImport = (graph.get(file) ?? []).some((edge) => edge.file === file);
      if (component.length > 1 || selfImport) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/**
 * Every import chain from a file matching `from` to a file or package matching `to`, as the path of files
 * (shortest first found, one per starting file), so a breach names the route it takes.
 */
export function reaches(
  graph: ImportGraph,
  from: (file: string) => boolean,
  to: (edge: ImportEdge) => boolean,
): string[][] {
  const chains: string[][] = [];
  for (const start of graph.keys()) {
    if (!from(start)) continue;
    const previous = new Map<string, string | null>([[start, null]]);
    const queue = [start];
    search: while (queue.length > 0) {
      const file = queue.shift() as string;
      for (const edge of graph.get(file) ?? []) {
        if (to(edge)) {
          const chain = [edge.file ?? edge.specifier];
          for (let at: string | null = file; at !== null; at = previous.get(at) ?? null) chain.unshift(at);
          chains.push(chain);
          break search;
        }
        if (edge.file !== null && graph.has(edge.file) && !previous.has(edge.file)) {
          previous.set(edge.file, file);
          queue.push(edge.file);
        }
      }
    }
  }
  return chains;
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/vectors` beside the checkout: official payloads and test vectors, never copied into the repo. */
export const VECTORS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'vectors',
);

export const vectorPath = (name: string): string => path.join(VECTORS_DIR, name);
export const readVector = (name: string): string => readFileSync(vectorPath(name), 'utf8');
export const readJsonVector = <T = unknown>(name: string): T => JSON.parse(readVector(name)) as T;

import { isPlainObject } from './kube-object.js';

/**
 * Field paths present in `sent` but gone from `kept`: what schema pruning dropped, reported the way
 * the API server's field validation words them (`spec.backends[0].colour`).
 */
export function prunedFields(sent: unknown, kept: unknown, path: string): string[] {
  if (Array.isArray(sent) && Array.isArray(kept)) {
    return sent.flatMap((item, i) => prunedFields(item, kept[i], `${path}[${i}]`));
  }
  if (!isPlainObject(sent) || !isPlainObject(kept)) return [];
  return Object.entries(sent).flatMap(([key, value]) => {
    const child = path === '' ? key : `${path}.${key}`;
    return key in kept ? prunedFields(value, kept[key], child) : [child];
  });
}

import { isPlainObject } from './kube-object.js';
import { badRequest } from './status.js';

/**
 * Merge keys of the lists a built-in type merges element-wise, by path from the object root with `[]` for
 * "any element" (e.g. `spec.template.spec.containers` → `name`). Lists not named here are replaced whole.
 */
export type MergeKeys = Readonly<Record<string, string>>;

const DIRECTIVE_PREFIXES = ['$setElementOrder/', '$retainKeys', '$deleteFromPrimitiveList/'];

/**
 * Strategic merge patch as the API server applies it to built-in types: maps merge, `null` deletes, lists
 * with a merge key merge by that key (`$patch: delete` removes an element), `$patch: replace` replaces.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, mergeKeys: MergeKeys): unknown {
  if (!isPlainObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
  return mergeMap(isPlainObject(original) ? original : {}, patch, '', mergeKeys) ?? {};
}

function mergeMap(
  original: Record<string, unknown>,
  patch: Record<string, unknown>,
  path: string,
  mergeKeys: MergeKeys,
): Record<string, unknown> | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return withoutDirectives(patch);
  if (directive !== undefined) throw badRequest(`unknown patch type: ${String(directive)}`);
  const result = structuredClone(original);
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const listKey = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[listKey];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[listKey] = current.filter((item) => !value.includes(item));
      }
      continue;
    }
    if (DIRECTIVE_PREFIXES.some((prefix) => key.startsWith(prefix))) continue;
    const childPath = path === '' ? key : `${path}.${key}`;
    if (value === null) {
      delete result[key];
    } else if (isPlainObject(value)) {
      const current = result[key];
      const merged = mergeMap(isPlainObject(current) ? current : {}, value, childPath, mergeKeys);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      const mergeKey = mergeKeys[childPath];
      const current = result[key];
      result[key] =
        mergeKey === undefined || !Array.isArray(current)
          ? value.map((item) => (isPlainObject(item) ? withoutDirectives(item) : item))
          : mergeList(current, value, `${childPath}[]`, mergeKey, mergeKeys);
    } else {
      result[key] = value;
    }
  }
  return result;
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  itemPath: string,
  mergeKey: string,
  mergeKeys: MergeKeys,
): unknown[] {
  if (patch.some((item) => isPlainObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isPlainObject(item) && item.$patch === 'replace'));
  }
  const result = structuredClone(original);
  for (const item of patch) {
    if (!isPlainObject(item)) {
      if (!result.includes(item)) result.push(item);
      continue;
    }
    const key = item[mergeKey];
    if (key === undefined)
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const index = result.findIndex((existing) => isPlainObject(existing) && existing[mergeKey] === key);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    const existing = index >= 0 ? result[index] : undefined;
    const merged = mergeMap(isPlainObject(existing) ? existing : {}, item, itemPath, mergeKeys);
    if (merged === undefined) continue;
    if (index >= 0) result[index] = merged;
    else result.push(merged);
  }
  return result;
}

function withoutDirectives(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(map).filter(
      ([key]) => key !== '$patch' && !DIRECTIVE_PREFIXES.some((p) => key.startsWith(p)),
    ),
  );
}

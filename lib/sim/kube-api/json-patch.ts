import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from './kube-object.js';
import { badRequest, patchNotApplicable } from './status.js';

type Operation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** RFC 6902 JSON patch. A malformed patch is a 400; one that does not apply to `document` is a 422. */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  const operations = parseOperations(patch);
  let result = structuredClone(document);
  for (const operation of operations) result = applyOperation(result, operation);
  return result;
}

function parseOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return patch.map((raw, index) => {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest(`invalid JSON patch operation at index ${index}: needs string "op" and "path"`);
    }
    switch (raw.op) {
      case 'add':
      case 'replace':
      case 'test':
        if (!('value' in raw))
          throw badRequest(`invalid JSON patch operation at index ${index}: missing value`);
        return { op: raw.op, path: raw.path, value: raw.value };
      case 'remove':
        return { op: 'remove', path: raw.path };
      case 'move':
      case 'copy':
        if (typeof raw.from !== 'string')
          throw badRequest(`invalid JSON patch operation at index ${index}: missing from`);
        return { op: raw.op, from: raw.from, path: raw.path };
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  });
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`JSON pointer must start with "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function applyOperation(document: unknown, operation: Operation): unknown {
  switch (operation.op) {
    case 'add':
      return insert(document, pointer(operation.path), structuredClone(operation.value), operation);
    case 'remove':
      return remove(document, pointer(operation.path), operation).document;
    case 'replace': {
      const without = remove(document, pointer(operation.path), operation).document;
      return insert(without, pointer(operation.path), structuredClone(operation.value), operation, true);
    }
    case 'move': {
      const taken = remove(document, pointer(operation.from), operation);
      return insert(taken.document, pointer(operation.path), taken.value, operation);
    }
    case 'copy':
      return insert(
        document,
        pointer(operation.path),
        structuredClone(read(document, pointer(operation.from), operation)),
        operation,
      );
    case 'test':
      if (!isDeepStrictEqual(read(document, pointer(operation.path), operation), operation.value)) {
        throw patchNotApplicable(`testing value ${operation.path} failed: test failed`);
      }
      return document;
  }
}

function missing(operation: Operation): never {
  throw patchNotApplicable(
    `${operation.op} operation does not apply: doc is missing path: "${operation.path}"`,
  );
}

function read(document: unknown, tokens: string[], operation: Operation): unknown {
  let value = document;
  for (const token of tokens) {
    if (Array.isArray(value)) value = value[arrayIndex(token, value.length - 1, operation)];
    else if (isPlainObject(value) && token in value) value = value[token];
    else missing(operation);
  }
  return value;
}

function arrayIndex(token: string, max: number, operation: Operation): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) missing(operation);
  const index = Number(token);
  if (index > max) missing(operation);
  return index;
}

function insert(
  document: unknown,
  tokens: string[],
  value: unknown,
  operation: Operation,
  replacing = false,
): unknown {
  if (tokens.length === 0) return value;
  const parent = read(document, tokens.slice(0, -1), operation);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    if (last === '-' && !replacing) parent.push(value);
    else parent.splice(arrayIndex(last, parent.length, operation), 0, value);
  } else if (isPlainObject(parent)) {
    parent[last] = value;
  } else {
    missing(operation);
  }
  return document;
}

function remove(
  document: unknown,
  tokens: string[],
  operation: Operation,
): { document: unknown; value: unknown } {
  if (tokens.length === 0) return { document: undefined, value: document };
  const parent = read(document, tokens.slice(0, -1), operation);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const [value] = parent.splice(arrayIndex(last, parent.length - 1, operation), 1);
    return { document, value };
  }
  if (isPlainObject(parent) && last in parent) {
    const value = parent[last];
    delete parent[last];
    return { document, value };
  }
  return missing(operation);
}

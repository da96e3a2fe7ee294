/**
 * The JSON merge patch (RFC 7386) that turns `from` into `to`: members missing from `to` become `null`,
 * nested objects are diffed member by member, and arrays or scalars that differ are replaced whole.
 * `undefined` when nothing differs. Values of `to` that are JSON `null` cannot be expressed in a merge patch
 * (null means "delete"); Kubernetes specs do not rely on explicit nulls.
 */
export function mergePatchDiff(from: unknown, to: unknown): unknown {
  if (!isPlainObject(from) || !isPlainObject(to)) return sameJson(from, to) ? undefined : to;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) {
    if (from[key] !== undefined && (!(key in to) || to[key] === undefined)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    if (!(key in from) || from[key] === undefined) {
      patch[key] = value;
      continue;
    }
    const nested = mergePatchDiff(from[key], value);
    if (nested !== undefined) patch[key] = nested;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set(
      [...Object.keys(a), ...Object.keys(b)].filter((k) => a[k] !== undefined || b[k] !== undefined),
    );
    return [...keys].every((k) => sameJson(a[k], b[k]));
  }
  return false;
}

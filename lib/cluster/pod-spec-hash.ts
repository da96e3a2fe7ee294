import { createHash } from 'node:crypto';

/**
 * A stable hash of a Deployment's `spec.template.spec`: equal for equal specs whatever the key order (the API
 * server and kubectl do not promise one), different when anything, list order included, differs. Lets the
 * core see "the primary already runs what the canary runs" without comparing whole objects.
 */
export function podSpecHash(podSpec: unknown): string {
  return createHash('sha256').update(canonicalJson(podSpec)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every level; `undefined` members dropped, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const json = JSON.stringify(value);
    // undefined, functions and symbols have no JSON form; inside arrays JSON.stringify writes null.
    return json === undefined ? 'null' : json;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

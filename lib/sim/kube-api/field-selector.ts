import type { KubeObject } from './kube-object.js';
import { badRequest } from './status.js';

/** The fields every resource can be selected by; others are refused as the API server refuses them. */
const SELECTABLE: Record<string, (object: KubeObject) => string> = {
  'metadata.name': (object) => object.metadata.name ?? '',
  'metadata.namespace': (object) => object.metadata.namespace ?? '',
};

/**
 * A `fieldSelector` query (`metadata.name=web`, `==`, `!=`, ANDed by commas), as `kubectl get NAME -w` sends
 * it to watch one object.
 */
export function parseFieldSelector(text: string | null): (object: KubeObject) => boolean {
  if (text === null || text.trim() === '') return () => true;
  const terms = text.split(',').map((raw) => {
    const term = raw.trim();
    const [field, value, negated] = term.includes('!=')
      ? [...term.split('!=', 2), true]
      : [...(term.includes('==') ? term.split('==', 2) : term.split('=', 2)), false];
    if (value === undefined) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const read = SELECTABLE[String(field).trim()];
    if (read === undefined) throw badRequest(`field label not supported: ${String(field).trim()}`);
    return (object: KubeObject) => (read(object) === String(value).trim()) !== negated;
  });
  return (object) => terms.every((holds) => holds(object));
}

import { badRequest } from './status.js';

type Requirement =
  | { key: string; op: 'equals' | 'notEquals'; value: string }
  | { key: string; op: 'exists' | 'notExists' };

/** A `labelSelector` query of equality terms (`a=b`, `a==b`, `a!=b`, `a`, `!a`), ANDed. */
export function parseLabelSelector(
  text: string | null,
): (labels: Record<string, string> | undefined) => boolean {
  if (text === null || text.trim() === '') return () => true;
  const requirements = text.split(',').map((raw) => parseRequirement(raw.trim()));
  return (labels = {}) => requirements.every((r) => holds(r, labels));
}

function holds(r: Requirement, labels: Record<string, string>): boolean {
  switch (r.op) {
    case 'equals':
      return labels[r.key] === r.value;
    case 'notEquals':
      return labels[r.key] !== r.value;
    case 'exists':
      return r.key in labels;
    case 'notExists':
      return !(r.key in labels);
  }
}

const KEY = /^([a-z0-9A-Z.\-_/]+)$/;

function parseRequirement(term: string): Requirement {
  const notEquals = term.split('!=');
  if (notEquals.length === 2)
    return checked({ key: notEquals[0] ?? '', op: 'notEquals', value: notEquals[1] ?? '' });
  const equals = term.includes('==') ? term.split('==') : term.split('=');
  if (equals.length === 2) return checked({ key: equals[0] ?? '', op: 'equals', value: equals[1] ?? '' });
  if (term.startsWith('!')) return checked({ key: term.slice(1), op: 'notExists' });
  if (!term.includes(' ') && !term.includes('(')) return checked({ key: term, op: 'exists' });
  throw badRequest(`unable to parse requirement: only equality label selectors are supported: "${term}"`);
}

function checked(r: Requirement): Requirement {
  if (!KEY.test(r.key.trim())) throw badRequest(`unable to parse requirement: invalid label key "${r.key}"`);
  return { ...r, key: r.key.trim(), ...('value' in r ? { value: r.value.trim() } : {}) } as Requirement;
}

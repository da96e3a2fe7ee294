/**
 * Kubernetes version priority: GA before beta before alpha, then higher numbers first
 * (v1 > v1beta2 > v1beta1 > v1alpha2 > v1alpha1). Discovery lists versions in this order and prefers the first.
 */
export function compareVersionPriority(a: string, b: string): number {
  return rank(b) - rank(a) || (a < b ? -1 : a > b ? 1 : 0);
}

function rank(version: string): number {
  const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (match === null) return -1;
  const major = Number(match[1]);
  const stability = match[2] === undefined ? 3 : match[2] === 'beta' ? 2 : 1;
  const minor = match[3] === undefined ? 0 : Number(match[3]);
  return stability * 1_000_000 + major * 1_000 + minor;
}

export const byVersionPriority = (versions: readonly string[]): string[] =>
  [...versions].sort(compareVersionPriority);

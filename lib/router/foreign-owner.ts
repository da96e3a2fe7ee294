import { ConfigurationError } from '../errors.js';

/** API groups of controllers that run canaries themselves; two controllers moving one route fight forever. */
const FOREIGN_CONTROLLERS: Record<string, string> = {
  'flagger.app': 'Flagger',
  'argoproj.io': 'Argo Rollouts',
};

export interface OwnerReference {
  apiVersion?: unknown;
  kind?: unknown;
  name?: unknown;
}

/** The controller owning `object` through an ownerReference, e.g. `Flagger (Canary podinfo)`, or null. */
export function foreignOwner(object: unknown): string | null {
  const refs = (object as { metadata?: { ownerReferences?: unknown } } | null)?.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return null;
  for (const ref of refs as OwnerReference[]) {
    const apiVersion = typeof ref?.apiVersion === 'string' ? ref.apiVersion : '';
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const controller = FOREIGN_CONTROLLERS[group];
    if (controller !== undefined) return `${controller} (${String(ref.kind)} ${String(ref.name)})`;
  }
  return null;
}

/** Refuses to work on an object Flagger or Argo Rollouts owns; `what` names it, e.g. `TrafficSplit prod/web`. */
export function assertNotForeignOwned(object: unknown, what: string): void {
  const owner = foreignOwner(object);
  if (owner !== null) {
    throw new ConfigurationError(
      `configuration error: ${what} is owned by ${owner}; Aviary does not change objects another rollout controller manages. Remove that controller's resource or point Aviary at other objects.`,
    );
  }
}

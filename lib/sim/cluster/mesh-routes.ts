import type { ResolvedTarget } from '../../model/config.js';

/**
 * How the simulated mesh reads the routing objects, with its own code: the product's router parses them to
 * write weights, and a simulator sharing that parsing would agree with any misreading. Here the objects are read
 * as a Linkerd proxy would route by them: the share of the apex's requests each backend receives.
 */

/** Shares of the apex service's requests, in percent, that reach the primary and the canary Service. */
export interface MeshShares {
  primary: number;
  canary: number;
}

/** What the mesh does with no route governing the apex: every request reaches the primary. */
const UNSPLIT: MeshShares = { primary: 100, canary: 0 };

type Json = Record<string, unknown>;

const record = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A non-negative integer weight, or undefined when the field holds something else. */
function integerWeight(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Percent shares of each named backend from integer weights (exact for integers: weight × 100 / total). */
function shares(backends: { name: string; weight: number }[], target: ResolvedTarget): MeshShares {
  const total = backends.reduce((sum, b) => sum + b.weight, 0);
  // All-zero weights: treated as no split (the product never writes them; see toIntegerWeights).
  if (total === 0) return UNSPLIT;
  const share = (service: string) =>
    (backends.filter((b) => b.name === service).reduce((sum, b) => sum + b.weight, 0) * 100) / total;
  return { primary: share(target.primary.service), canary: share(target.canary.service) };
}

/**
 * An SMI TrafficSplit as served at split.smi-spec.io/v1alpha2 or later (integer weights: the API server has
 * already converted any v1alpha1 quantities). It governs only the traffic to its `spec.service`; every backend,
 * a third one included, gets its weight's share.
 */
export function trafficSplitShares(split: unknown, target: ResolvedTarget): MeshShares {
  const spec = record(record(split).spec);
  if (text(spec.service) !== target.service) return UNSPLIT;
  const backends = list(spec.backends).map((entry) => {
    const backend = record(entry);
    return { name: text(backend.service) ?? '', weight: integerWeight(backend.weight) ?? 0 };
  });
  return shares(backends, target);
}

/**
 * A Gateway API HTTPRoute attached to the apex Service (GAMMA: a parentRef of kind Service). Requests with no
 * particular path, header or query follow the first rule that matches them all; a backendRef without a weight
 * has weight 1, and only core Services in the target's namespace are the primary or the canary.
 */
export function httpRouteShares(route: unknown, target: ResolvedTarget): MeshShares {
  const metadata = record(record(route).metadata);
  const spec = record(record(route).spec);
  const routeNamespace = text(metadata.namespace) ?? target.namespace;
  const attached = list(spec.parentRefs).some((entry) => {
    const parent = record(entry);
    return (
      text(parent.kind) === 'Service' &&
      isCoreGroup(parent.group) &&
      text(parent.name) === target.service &&
      (text(parent.namespace) ?? routeNamespace) === target.namespace
    );
  });
  if (!attached) return UNSPLIT;
  const rule = list(spec.rules).map(record).find(matchesEveryRequest);
  if (rule === undefined) return UNSPLIT;
  const backends = list(rule.backendRefs).map((entry) => {
    const ref = record(entry);
    const isService =
      isCoreGroup(ref.group) &&
      (text(ref.kind) ?? 'Service') === 'Service' &&
      (text(ref.namespace) ?? routeNamespace) === target.namespace;
    return { name: isService ? (text(ref.name) ?? '') : '', weight: integerWeight(ref.weight ?? 1) ?? 0 };
  });
  return shares(backends, target);
}

/** The core API group: "" in Gateway API, "core" as Linkerd also accepts. */
function isCoreGroup(group: unknown): boolean {
  return group === undefined || group === '' || group === 'core';
}

/** A rule that catches a plain request: no matches (the default `/` prefix), or a match on the `/` prefix only. */
function matchesEveryRequest(rule: Json): boolean {
  const matches = list(rule.matches).map(record);
  if (matches.length === 0) return true;
  return matches.some((match) => {
    const path = record(match.path);
    const catchAll =
      match.path === undefined || ((text(path.type) ?? 'PathPrefix') === 'PathPrefix' && path.value === '/');
    return (
      catchAll &&
      list(match.headers).length === 0 &&
      list(match.queryParams).length === 0 &&
      match.method === undefined
    );
  });
}

/** A Deployment as the mesh sees its pods: the image they run and how many are ready to take requests. */
export function deploymentPods(deployment: unknown): { image: string | null; readyReplicas: number } {
  const object = record(deployment);
  const containers = list(record(record(record(object.spec).template).spec).containers);
  const readyReplicas = record(object.status).readyReplicas;
  return {
    image: text(record(containers[0]).image) ?? null,
    readyReplicas: typeof readyReplicas === 'number' && readyReplicas > 0 ? readyReplicas : 0,
  };
}

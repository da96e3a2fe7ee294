import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import type { ResolvedTarget } from '../model/config.js';
import type { Weights } from '../model/observation.js';
import { toPercentages } from './weight-percentages.js';

const BackendRefSchema = z.looseObject({
  name: z.string(),
  group: z.string().optional(),
  kind: z.string().optional(),
  namespace: z.string().optional(),
  weight: z.number().int().min(0).optional(),
});

/** The parts of a Gateway API HTTPRoute (v1, v1beta1) Aviary reads; everything else is carried through untouched. */
export const HttpRouteSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), resourceVersion: z.string().optional() }),
  spec: z.looseObject({
    parentRefs: z
      .array(z.looseObject({ name: z.string(), group: z.string().optional(), kind: z.string().optional() }))
      .optional(),
    rules: z.array(z.looseObject({ backendRefs: z.array(BackendRefSchema).optional() })).optional(),
  }),
});
export type HttpRoute = z.infer<typeof HttpRouteSchema>;
export type HttpRouteRule = NonNullable<HttpRoute['spec']['rules']>[number];
type BackendRef = z.infer<typeof BackendRefSchema>;

/** Gateway API: a backendRef without a weight has weight 1. */
const DEFAULT_WEIGHT = 1;

export function parseHttpRoute(object: unknown, what: string): HttpRoute {
  const parsed = HttpRouteSchema.safeParse(object);
  if (!parsed.success) {
    throw new ConfigurationError(
      `configuration error: ${what} is not a valid HTTPRoute: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** A backendRef to the core Service `service` in `namespace` (group "" and kind Service are the defaults). */
export function refersToService(
  ref: BackendRef,
  service: string,
  namespace: string,
  routeNamespace: string,
): boolean {
  return (
    ref.name === service &&
    (ref.group ?? '') === '' &&
    (ref.kind ?? 'Service') === 'Service' &&
    (ref.namespace ?? routeNamespace) === namespace
  );
}

/**
 * Indices of the rules that split between the target's primary and canary Services. Several such rules
 * (one per path match, say) are kept at the same weights; a route with none is not the route Aviary was
 * configured for.
 */
export function splittingRules(route: HttpRoute, target: ResolvedTarget, what: string): number[] {
  const rules = route.spec.rules ?? [];
  const found: number[] = [];
  rules.forEach((rule, index) => {
    const refs = rule.backendRefs ?? [];
    const primary = refs.filter((r) =>
      refersToService(r, target.primary.service, target.namespace, target.namespace),
    );
    const canary = refs.filter((r) =>
      refersToService(r, target.canary.service, target.namespace, target.namespace),
    );
    if (primary.length > 1 || canary.length > 1) {
      throw new ConfigurationError(
        `configuration error: ${what} rule ${index} lists ${primary.length > 1 ? target.primary.service : target.canary.service} more than once in backendRefs`,
      );
    }
    if (primary.length === 1 && canary.length === 1) found.push(index);
  });
  if (found.length === 0) {
    const seen = rules.map(
      (rule, i) => `rule ${i}: ${(rule.backendRefs ?? []).map((r) => r.name).join(', ') || 'no backendRefs'}`,
    );
    throw new ConfigurationError(
      `configuration error: ${what} has no rule whose backendRefs hold both ${target.primary.service} and ${target.canary.service} (${seen.join('; ') || 'no rules'})`,
    );
  }
  return found;
}

/** The weights of one splitting rule, as percentages of the two Services. */
export function ruleWeights(rule: HttpRouteRule, target: ResolvedTarget, what: string): Weights {
  const refs = rule.backendRefs ?? [];
  const weightOf = (service: string): number =>
    refs.find((r) => refersToService(r, service, target.namespace, target.namespace))?.weight ??
    DEFAULT_WEIGHT;
  return toPercentages(weightOf(target.primary.service), weightOf(target.canary.service), what);
}

/** The route's weights: those of its first splitting rule. */
export function routeWeights(route: HttpRoute, target: ResolvedTarget, what: string): Weights {
  const [first] = splittingRules(route, target, what);
  const rule = route.spec.rules?.[first ?? 0];
  if (!rule) throw new Error(`${what}: no splitting rule`);
  return ruleWeights(rule, target, what);
}

/**
 * The whole `spec.rules` list as read, with only the two Services' weights changed in the splitting rules:
 * matches, filters, ports, other backendRefs and other rules are copied as they are (a merge patch replaces
 * the list, so it has to be complete).
 */
export function rulesWithWeights(
  route: HttpRoute,
  target: ResolvedTarget,
  weights: Weights,
  what: string,
): HttpRouteRule[] {
  const splitting = new Set(splittingRules(route, target, what));
  return (route.spec.rules ?? []).map((rule, index) => {
    if (!splitting.has(index)) return rule;
    return {
      ...rule,
      backendRefs: (rule.backendRefs ?? []).map((ref) =>
        refersToService(ref, target.primary.service, target.namespace, target.namespace)
          ? { ...ref, weight: weights.primary }
          : refersToService(ref, target.canary.service, target.namespace, target.namespace)
            ? { ...ref, weight: weights.canary }
            : ref,
      ),
    };
  });
}

/** True when every splitting rule already has these weights. */
export function routeHasWeights(
  route: HttpRoute,
  target: ResolvedTarget,
  weights: Weights,
  what: string,
): boolean {
  return splittingRules(route, target, what).every((i) => {
    const rule = route.spec.rules?.[i];
    if (!rule) return false;
    const current = ruleWeights(rule, target, what);
    return current.primary === weights.primary && current.canary === weights.canary;
  });
}

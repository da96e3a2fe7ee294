import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { parseQuantity, QuantityError } from '../kube/quantity.js';
import type { ResolvedTarget } from '../model/config.js';
import type { Weights } from '../model/observation.js';
import { toPercentages } from './weight-percentages.js';

/** An SMI TrafficSplit of any version: weights are quantities in v1alpha1, integers from v1alpha2 on. */
export const TrafficSplitSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), resourceVersion: z.string().optional() }),
  spec: z.looseObject({
    service: z.string(),
    backends: z.array(
      z.looseObject({ service: z.string(), weight: z.union([z.number(), z.string()]).optional() }),
    ),
  }),
});
export type TrafficSplit = z.infer<typeof TrafficSplitSchema>;
export type SplitBackend = TrafficSplit['spec']['backends'][number];

export function parseTrafficSplit(object: unknown, what: string): TrafficSplit {
  const parsed = TrafficSplitSchema.safeParse(object);
  if (!parsed.success) {
    throw new ConfigurationError(
      `configuration error: ${what} is not a valid TrafficSplit: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * The split's weights as percentages, after checking it splits the target's apex between exactly its
 * primary and canary services: anything else means the route is not the one Aviary was configured for.
 */
export function splitWeights(split: TrafficSplit, target: ResolvedTarget, what: string): Weights {
  checkBackends(split, target, what);
  const weight = (service: string): number => {
    const backend = split.spec.backends.find((b) => b.service === service);
    try {
      return backend?.weight === undefined
        ? 0
        : parseQuantity(backend.weight, `${what} backend ${service} weight`);
    } catch (error) {
      if (error instanceof QuantityError)
        throw new ConfigurationError(`configuration error: ${error.message}`);
      throw error;
    }
  };
  return toPercentages(weight(target.primary.service), weight(target.canary.service), what);
}

/** The whole backends list with new integer weights, other fields and order kept (a merge patch replaces lists). */
export function backendsWithWeights(
  split: TrafficSplit,
  target: ResolvedTarget,
  weights: Weights,
): SplitBackend[] {
  return split.spec.backends.map((b) =>
    b.service === target.primary.service
      ? { ...b, weight: weights.primary }
      : b.service === target.canary.service
        ? { ...b, weight: weights.canary }
        : b,
  );
}

function checkBackends(split: TrafficSplit, target: ResolvedTarget, what: string): void {
  if (split.spec.service !== target.service) {
    throw new ConfigurationError(
      `configuration error: ${what} splits service "${split.spec.service}", but the target's apex service is "${target.service}"`,
    );
  }
  const services = split.spec.backends.map((b) => b.service);
  const expected = [target.primary.service, target.canary.service];
  const ok = services.length === 2 && expected.every((s) => services.includes(s));
  if (!ok) {
    const found =
      services.length === 0
        ? 'no backends'
        : split.spec.backends.map((b) => `${b.service} (weight ${String(b.weight ?? 0)})`).join(', ');
    throw new ConfigurationError(
      `configuration error: ${what} must have exactly two backends, ${expected.join(' and ')}; it has ${found}`,
    );
  }
}

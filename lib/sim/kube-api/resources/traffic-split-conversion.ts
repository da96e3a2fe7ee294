import { z } from 'zod';
import { quantityOf } from '../../../kube/quantity.js';
import { validateWith } from '../field-validation.js';
import { toProportionalIntegers } from '../quantity.js';
import {
  type StoredTrafficSplitSpec,
  TrafficSplitV1alpha1SpecSchema,
  TrafficSplitV1alpha2SpecSchema,
  TrafficSplitV1alpha3SpecSchema,
  type TrafficSplitVersion,
} from './traffic-split-schema.js';

// Validated as `{ spec }` so field paths in errors start at the object root, as the API server reports them.
const V1alpha1 = z.object({ spec: TrafficSplitV1alpha1SpecSchema });
const V1alpha2 = z.object({ spec: TrafficSplitV1alpha2SpecSchema });
const V1alpha3 = z.object({ spec: TrafficSplitV1alpha3SpecSchema });

/**
 * Validates a TrafficSplit's spec as written in `version` and converts it to the stored form (v1alpha1
 * weights, with v1alpha3's `matches` kept so a round trip through any version loses nothing it can express).
 */
export function specToStorage(object: unknown, version: TrafficSplitVersion): StoredTrafficSplitSpec {
  switch (version) {
    case 'v1alpha1': {
      const { spec } = validateWith(V1alpha1, object);
      return {
        service: spec.service,
        backends: spec.backends.map((b) => ({ service: b.service, weight: b.weight as number | string })),
      };
    }
    case 'v1alpha2':
      return validateWith(V1alpha2, object).spec;
    case 'v1alpha3':
    case 'v1alpha4': {
      const { spec } = validateWith(V1alpha3, object);
      return spec.matches === undefined ? { service: spec.service, backends: spec.backends } : spec;
    }
  }
}

/**
 * The stored spec as `version` shows it. v1alpha2 and later have integer weights: quantities that are
 * not whole numbers are scaled together by a power of 1000, keeping the split's ratios.
 */
export function specFromStorage(
  stored: StoredTrafficSplitSpec,
  version: TrafficSplitVersion,
): Record<string, unknown> {
  if (version === 'v1alpha1') {
    return { service: stored.service, backends: stored.backends.map((b) => ({ ...b })) };
  }
  const weights = toProportionalIntegers(
    stored.backends.map((b) => quantityOf(b.weight) ?? { mantissa: 0n, exponent: 0 }),
  );
  const backends = stored.backends.map((b, i) => ({ service: b.service, weight: weights[i] ?? 0 }));
  if (version === 'v1alpha2' || stored.matches === undefined) return { service: stored.service, backends };
  return { service: stored.service, backends, matches: structuredClone(stored.matches) };
}

import { z } from 'zod';
import { quantityOf } from '../../../kube/quantity.js';
import { QUANTITY_FORMAT_MESSAGE } from '../quantity.js';

/** v1alpha1 weights are quantities: int-or-string like `90`, `"90"` or `"500m"`, never negative. */
const QuantityWeight = z.unknown().superRefine((weight, ctx) => {
  if (weight === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'Required value',
      params: { reason: 'FieldValueRequired', verbatim: true },
    });
    return;
  }
  if (typeof weight !== 'string' && typeof weight !== 'number') {
    ctx.addIssue({
      code: 'custom',
      message: 'must be of type int-or-string',
      params: { reason: 'FieldValueTypeInvalid' },
    });
    return;
  }
  const quantity = quantityOf(weight);
  if (quantity === null) ctx.addIssue({ code: 'custom', message: QUANTITY_FORMAT_MESSAGE });
  else if (quantity.mantissa < 0n)
    ctx.addIssue({ code: 'custom', message: 'must be greater than or equal to 0' });
});

const Match = z.looseObject({
  kind: z.string().min(1),
  name: z.string().min(1),
  apiGroup: z.string().optional(),
});

export const TrafficSplitV1alpha1SpecSchema = z.object({
  service: z.string().min(1),
  backends: z.array(z.object({ service: z.string().min(1), weight: QuantityWeight })).min(1),
});

export const TrafficSplitV1alpha2SpecSchema = z.object({
  service: z.string().min(1),
  backends: z.array(z.object({ service: z.string().min(1), weight: z.number().int().min(0) })).min(1),
});

/** v1alpha3 and v1alpha4 add `matches` (references to HTTPRouteGroups and the like). */
export const TrafficSplitV1alpha3SpecSchema = TrafficSplitV1alpha2SpecSchema.extend({
  matches: z.array(Match).optional(),
});

/** The stored form: v1alpha1 weights as written (number or quantity string), plus newer versions' `matches`. */
export interface StoredTrafficSplitSpec {
  service: string;
  backends: { service: string; weight: number | string }[];
  matches?: z.infer<typeof Match>[];
}

export const TRAFFIC_SPLIT_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'] as const;
export type TrafficSplitVersion = (typeof TRAFFIC_SPLIT_VERSIONS)[number];

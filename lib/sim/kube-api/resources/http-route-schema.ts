import { z } from 'zod';

const PortNumber = z.number().int().min(1).max(65535);

const BackendRef = z
  .looseObject({
    group: z.string().default(''),
    kind: z.string().default('Service'),
    name: z.string().min(1).max(253),
    namespace: z.string().min(1).max(63).optional(),
    port: PortNumber.optional(),
    weight: z.number().int().min(0).max(1_000_000).default(1),
    filters: z
      .array(z.looseObject({ type: z.string() }))
      .max(16)
      .optional(),
  })
  .superRefine((ref, ctx) => {
    // The Gateway API CRD's CEL rule: a Service backend must name its port.
    if (ref.group === '' && ref.kind === 'Service' && ref.port === undefined) {
      ctx.addIssue({ code: 'custom', message: 'Must have port for Service reference', path: [] });
    }
  });

const ParentRef = z.looseObject({
  group: z.string().default('gateway.networking.k8s.io'),
  kind: z.string().default('Gateway'),
  namespace: z.string().optional(),
  name: z.string().min(1).max(253),
  sectionName: z.string().optional(),
  port: PortNumber.optional(),
});

const Rule = z.looseObject({
  name: z.string().optional(),
  matches: z.array(z.looseObject({})).max(64).optional(),
  filters: z
    .array(z.looseObject({ type: z.string() }))
    .max(16)
    .optional(),
  backendRefs: z.array(BackendRef).max(16).optional(),
});

/** `gateway.networking.k8s.io` HTTPRoute spec (same schema in v1 and v1beta1), with the CRD's defaults. */
export const HttpRouteSpecSchema = z.looseObject({
  parentRefs: z.array(ParentRef).max(32).optional(),
  hostnames: z.array(z.string().min(1).max(253)).max(16).optional(),
  rules: z
    .array(Rule)
    .max(16)
    .default([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }]),
});

export const HttpRouteSchema = z.object({ spec: HttpRouteSpecSchema });

export type HttpRouteSpec = z.infer<typeof HttpRouteSpecSchema>;

export const HTTP_ROUTE_VERSIONS = ['v1', 'v1beta1'] as const;
export type HttpRouteVersion = (typeof HTTP_ROUTE_VERSIONS)[number];

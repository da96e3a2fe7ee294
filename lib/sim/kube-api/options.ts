import { z } from 'zod';
import { HTTP_ROUTE_VERSIONS } from './resources/http-route-schema.js';
import { TRAFFIC_SPLIT_VERSIONS } from './resources/traffic-split-schema.js';

export const KubeApiDoubleOptionsSchema = z
  .object({
    /** 0 picks a free port. */
    port: z.number().int().min(0).max(65535).default(0),
    /** Requests without `Authorization: Bearer <token>` get a 401 Status. Random by default. */
    token: z.string().min(1).optional(),
    /** Like Linkerd's SMI extension by default; stored as v1alpha1 whatever is served. */
    servedSplitVersions: z.array(z.enum(TRAFFIC_SPLIT_VERSIONS)).min(1).default(['v1alpha1', 'v1alpha2']),
    servedHttpRouteVersions: z.array(z.enum(HTTP_ROUTE_VERSIONS)).min(1).default(['v1', 'v1beta1']),
    /** Wire shape of the SMI metrics API: the real smi-metrics server's, or the SMI spec example's. */
    metricsShape: z.enum(['smi-metrics', 'spec']).default('smi-metrics'),
    /** How long a Deployment takes to become available after a spec change; 0 settles on the write. */
    deploymentRolloutMs: z.number().int().min(0).default(0),
    /** Writes kept for watches that start from a resourceVersion; an older one gets 410 Expired. */
    watchHistory: z.number().int().min(1).default(10_000),
  })
  .strict();

export type KubeApiDoubleOptions = z.input<typeof KubeApiDoubleOptionsSchema>;
export type ResolvedKubeApiDoubleOptions = z.output<typeof KubeApiDoubleOptionsSchema>;

export function parseKubeApiDoubleOptions(options: KubeApiDoubleOptions = {}): ResolvedKubeApiDoubleOptions {
  const parsed = KubeApiDoubleOptionsSchema.safeParse(options);
  if (!parsed.success)
    throw new Error(`invalid Kubernetes API double options: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

import { z } from 'zod';

/** The fields of GitHub's `deployment` webhook event Aviary reads. */
export const GithubDeploymentEventSchema = z.object({
  action: z.string().optional(),
  deployment: z.object({
    /** Signed (inside the body): de-duplicates deliveries and orders deployments of one environment. */
    id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    sha: z.string().max(256).optional(),
    ref: z.string().max(256).optional(),
    environment: z.string().min(1).max(255),
    /** Free-form JSON (or a JSON string) from whoever created the deployment; `image` is read from it. */
    payload: z.unknown().optional(),
    creator: z.object({ login: z.string().max(100) }).nullish(),
  }),
  repository: z.object({ full_name: z.string().max(200) }).optional(),
});
export type GithubDeploymentEvent = z.infer<typeof GithubDeploymentEventSchema>;

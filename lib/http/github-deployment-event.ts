import { z } from 'zod';

/** The fields of GitHub's `deployment` webhook event Aviary reads. */
export const GithubDeploymentEventSchema = z.object({
  action: z.string().optional(),
  deployment: z.object({
    id: z.number().optional(),
    sha: z.string().optional(),
    ref: z.string().optional(),
    environment: z.string().min(1),
    creator: z.object({ login: z.string() }).nullish(),
  }),
});
export type GithubDeploymentEvent = z.infer<typeof GithubDeploymentEventSchema>;

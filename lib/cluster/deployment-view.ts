import { z } from 'zod';
import type { DeploymentView } from '../model/observation.js';
import { podSpecHash } from './pod-spec-hash.js';

const count = z.number().int().min(0).optional();

/** The parts of an apps/v1 Deployment Aviary reads; the rest (the pod spec above all) is kept verbatim. */
export const DeploymentSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    generation: z.number().int().optional(),
    resourceVersion: z.string().optional(),
  }),
  spec: z.looseObject({
    replicas: count,
    template: z.looseObject({
      metadata: z.looseObject({ annotations: z.record(z.string(), z.string()).optional() }).optional(),
      spec: z.looseObject({
        containers: z.array(z.looseObject({ name: z.string(), image: z.string().optional() })),
      }),
    }),
  }),
  status: z
    .looseObject({
      observedGeneration: z.number().int().optional(),
      replicas: count,
      updatedReplicas: count,
      readyReplicas: count,
      availableReplicas: count,
    })
    .optional(),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

export function parseDeployment(object: unknown, what: string): Deployment {
  const parsed = DeploymentSchema.safeParse(object);
  if (!parsed.success)
    throw new Error(`${what} is not a valid apps/v1 Deployment: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The API server defaults `spec.replicas` to 1. */
export const desiredReplicas = (deployment: Deployment): number => deployment.spec.replicas ?? 1;

/**
 * Rolled out, as `kubectl rollout status` sees it: the controller has seen the latest spec, every desired
 * replica runs it and is available, and no old replica is left. A Deployment scaled to zero serves nothing,
 * so it is never available: a canary at zero replicas is not ready for traffic.
 */
export function isRolledOut(deployment: Deployment): boolean {
  const desired = desiredReplicas(deployment);
  const status = deployment.status ?? {};
  const generation = deployment.metadata.generation;
  const updated = status.updatedReplicas ?? 0;
  return (
    desired > 0 &&
    (generation === undefined || (status.observedGeneration ?? 0) >= generation) &&
    updated >= desired &&
    (status.replicas ?? updated) <= updated &&
    (status.availableReplicas ?? 0) >= desired
  );
}

/** What the core sees of a Deployment; a missing one is `exists: false` with zeros. */
export function deploymentView(name: string, deployment: Deployment | null): DeploymentView {
  if (deployment === null) {
    return {
      name,
      exists: false,
      image: null,
      podSpecHash: null,
      replicas: 0,
      readyReplicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
      available: false,
    };
  }
  const status = deployment.status ?? {};
  return {
    name,
    exists: true,
    image: deployment.spec.template.spec.containers[0]?.image ?? null,
    podSpecHash: podSpecHash(deployment.spec.template.spec),
    replicas: desiredReplicas(deployment),
    readyReplicas: status.readyReplicas ?? 0,
    updatedReplicas: status.updatedReplicas ?? 0,
    availableReplicas: status.availableReplicas ?? 0,
    available: isRolledOut(deployment),
  };
}

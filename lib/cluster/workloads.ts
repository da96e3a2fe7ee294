import type { KubeConfig } from '@kubernetes/client-node';
import type { ResolvedTarget } from '../model/config.js';
import type { DeploymentView } from '../model/observation.js';

/** The two Deployments of a target. */
export interface Workloads {
  read(): Promise<{ primary: DeploymentView; canary: DeploymentView }>;
  /** Sets the canary's first container image (when given) and its replica count. */
  prepareCanary(input: { image: string | null; replicas: number }): Promise<void>;
  /** Copies the canary's `spec.template.spec` (and annotations) into the primary; the primary keeps its labels. */
  promote(): Promise<void>;
  scaleCanary(replicas: number): Promise<void>;
}

export type WorkloadsFactory = (kubeConfig: KubeConfig, target: ResolvedTarget) => Workloads;

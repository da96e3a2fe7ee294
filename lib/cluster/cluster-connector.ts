import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterConfig } from '../model/config.js';

/** Gives a ready-to-use KubeConfig (endpoint, CA, fresh credentials) for a configured cluster. */
export interface ClusterConnector {
  kubeConfig(name: string, cluster: ClusterConfig): Promise<KubeConfig>;
}

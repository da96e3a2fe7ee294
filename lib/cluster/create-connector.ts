import type { KubeConfig } from '@kubernetes/client-node';
import { ConfigurationError } from '../errors.js';
import type { ClusterConfig } from '../model/config.js';
import type { ClusterConnector } from './cluster-connector.js';
import { EksConnector, type EksConnectorOptions } from './eks-connector.js';
import { KubeconfigConnector, type KubeconfigConnectorOptions } from './kubeconfig-connector.js';
import { withRequestTimeout } from './request-timeout.js';

export interface CreateClusterConnectorOptions {
  /** The embedded clusters of `npm start` and the tests: hands out a Kubernetes API double's KubeConfig by name. */
  simulated?: (name: string) => KubeConfig;
  eks?: EksConnectorOptions;
  kubeconfig?: KubeconfigConnectorOptions;
}

/** One connector for every configured cluster, dispatching on `cluster.kind`. */
export function createClusterConnector(options: CreateClusterConnectorOptions = {}): ClusterConnector {
  let eks: EksConnector | undefined;
  let kubeconfig: KubeconfigConnector | undefined;
  return {
    async kubeConfig(name: string, cluster: ClusterConfig): Promise<KubeConfig> {
      switch (cluster.kind) {
        case 'simulated':
          if (!options.simulated) {
            throw new ConfigurationError(
              `cluster "${name}" is "simulated", which exists only under \`npm start\` and the tests; use kind "kubeconfig" or "eks" here`,
            );
          }
          // Reached as a real cluster is: the request timeout, and one keep-alive connection pool per cluster.
          return withRequestTimeout(options.simulated(name), cluster.timeoutMs);
        case 'kubeconfig':
          kubeconfig ??= new KubeconfigConnector(options.kubeconfig);
          return kubeconfig.kubeConfig(name, cluster);
        case 'eks':
          // Built on first use so a deployment without EKS clusters never loads the AWS credential chain.
          eks ??= new EksConnector(options.eks);
          return eks.kubeConfig(name, cluster);
        default: {
          const unknown: never = cluster;
          throw new ConfigurationError(`cluster "${name}" has an unknown kind: ${JSON.stringify(unknown)}`);
        }
      }
    },
  };
}

import type { AviaryConfig } from '../model/config.js';

/**
 * `AVIARY_KUBE_CONTEXT=<context> npm start`: the same config, but every simulated cluster is replaced by that
 * context of the user's kubeconfig (kind, k3d, a real EKS cluster), so the local stack drives a real mesh.
 */
export function withKubeContext(config: AviaryConfig, context: string | undefined): AviaryConfig {
  if (!context) return config;
  const clusters = Object.fromEntries(
    Object.entries(config.clusters).map(([name, cluster]) => [
      name,
      cluster.kind === 'simulated'
        ? { kind: 'kubeconfig' as const, context, timeoutMs: cluster.timeoutMs }
        : cluster,
    ]),
  );
  return { ...config, clusters };
}

import type { KubeConfig } from '@kubernetes/client-node';
import type { ResolvedTarget } from '../model/config.js';
import type { MetricsWindow } from '../model/observation.js';

/**
 * Reads canary and primary traffic over the last `windowSeconds`. One file per provider in this folder.
 * A workload with no traffic (or a source answering "no data") gives `null` for it, never an error and never 0.
 */
export interface MetricSource {
  read(windowSeconds: number): Promise<MetricsWindow>;
}

export type MetricSourceFactory = (kubeConfig: KubeConfig, target: ResolvedTarget) => MetricSource;

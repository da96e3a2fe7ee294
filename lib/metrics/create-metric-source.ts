import type { KubeConfig } from '@kubernetes/client-node';
import type { ResolvedTarget } from '../model/config.js';
import type { MetricSource, MetricSourceFactory } from './metric-source.js';
import { createPrometheusMetricSource } from './prometheus.js';
import { createSmiMetricSource } from './smi-trafficmetrics.js';

/** The metric source for `target.metrics.kind`. */
export const createMetricSource: MetricSourceFactory = (
  kubeConfig: KubeConfig,
  target: ResolvedTarget,
): MetricSource => {
  const metrics = target.metrics;
  switch (metrics.kind) {
    case 'smi':
      return createSmiMetricSource(kubeConfig, target);
    case 'prometheus':
      return createPrometheusMetricSource(kubeConfig, target);
    default: {
      const unknown: never = metrics;
      throw new Error(`target "${target.name}": unknown metrics kind ${JSON.stringify(unknown)}`);
    }
  }
};

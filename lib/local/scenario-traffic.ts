import type { AviaryConfig } from '../model/config.js';
import type { Scenario } from '../sim/scenario.js';

/** Where the simulated cluster's Prometheus answers, as Linkerd's viz extension installs it. */
export const SIMULATED_PROMETHEUS = { namespace: 'linkerd-viz', service: 'prometheus', port: 9090 } as const;

/**
 * The configuration `npm start` runs with a scenario's traffic: with `metrics: histogram` every target on a
 * simulated cluster that reads the SMI metrics API (quantiles only) reads Prometheus through the service proxy
 * instead, so its latency is judged on Linkerd's bucket counts, as in production. Nothing else changes: the
 * targets keep their own policies (the scenario's policy and duration are the benchmark's, not the demo's).
 */
export function withScenarioMetrics(config: AviaryConfig, scenario: Scenario): AviaryConfig {
  if (scenario.metrics !== 'histogram') return config;
  const targets = Object.fromEntries(
    Object.entries(config.targets).map(([name, target]) => {
      const simulated = config.clusters[target.cluster]?.kind === 'simulated';
      if (!simulated || target.metrics.kind !== 'smi') return [name, target];
      return [
        name,
        {
          ...target,
          metrics: {
            kind: 'prometheus' as const,
            auth: { kind: 'none' as const },
            serviceProxy: { ...SIMULATED_PROMETHEUS },
          },
        },
      ];
    }),
  );
  return { ...config, targets };
}

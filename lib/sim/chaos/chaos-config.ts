import { type AviaryConfig, AviaryConfigSchema } from '../../model/config.js';

export const CHAOS_APPROVER = 'U0CHAOS001';

/** Policies of the chaos runs: two steps, one-minute-ish checks, Flagger's per-window thresholds (few ticks each). */
export type ChaosPolicy = 'auto' | 'gated';

export interface ChaosFleetOptions {
  targets: number;
  /** Targets are spread over this many simulated clusters, worked on concurrently by the tick. */
  clusters: number;
  policyOf?: (index: number) => ChaosPolicy;
}

/** `t001`, `t002`…: no dash, so a key's target is everything between its prefix and the rollout's `-<seq>`. */
export const chaosTargetName = (index: number): string => `t${String(index + 1).padStart(3, '0')}`;

/** The Slack channel of a target's messages (one per target, so each message is attributed to one target). */
export const chaosChannel = (target: string): string => `C${target.toUpperCase()}`;

export const CHAOS_INTERVAL_MS = 30_000;

/**
 * A fleet of targets, each in its own namespace (so that every Kubernetes request names the one target it is
 * about), spread over simulated clusters with instant Deployment rollouts (no wall-clock waits).
 */
export function chaosConfig(options: ChaosFleetOptions): AviaryConfig {
  const clusters: Record<string, unknown> = {};
  for (let c = 0; c < options.clusters; c++) {
    clusters[`k${c + 1}`] = {
      kind: 'simulated',
      requestsPerSecond: 200,
      faultyErrorRate: 0.3,
      deploymentRolloutSeconds: 0,
    };
  }
  const targets: Record<string, unknown> = {};
  for (let i = 0; i < options.targets; i++) {
    const name = chaosTargetName(i);
    targets[name] = {
      cluster: `k${(i % options.clusters) + 1}`,
      namespace: name,
      service: 'app',
      primary: { service: 'app-primary', deployment: 'app-primary' },
      canary: { service: 'app-canary', deployment: 'app-canary' },
      policy: options.policyOf?.(i) ?? 'auto',
      approvers: [CHAOS_APPROVER],
      slackChannel: chaosChannel(name),
    };
  }
  const policy = (beforePromotion: boolean) => ({
    stepWeights: [20, 50],
    intervalSeconds: CHAOS_INTERVAL_MS / 1000,
    progressDeadlineSeconds: 3_600,
    failureThreshold: 2,
    checks: { minSuccessRate: 95, maxP99LatencyMs: 500, minRequests: 20 },
    approval: { beforePromotion, timeoutSeconds: 86_400 },
    judge: { kind: 'flagger' },
  });
  return AviaryConfigSchema.parse({
    clusters,
    targets,
    policies: { auto: policy(false), gated: policy(true) },
    // Budgets far above any answer time here: a chaos run must never hold a rollout because the machine is busy.
    tick: { clusterConcurrency: options.clusters, clusterBudgetMs: 120_000 },
  });
}

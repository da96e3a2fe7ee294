import type { App, ClusterEngineApp, Secrets } from '../../lib/app/app.js';
import { newRollout } from '../../lib/core/rollout-start.js';
import { transition } from '../../lib/core/transition.js';
import type { ClusterEngine, Engine } from '../../lib/engine/engine.js';
import { type AviaryConfig, AviaryConfigSchema, type ResolvedTarget } from '../../lib/model/config.js';
import { PolicySchema } from '../../lib/model/policy.js';
import type { Rollout } from '../../lib/model/rollout.js';
import { memoryLedger } from './memory-ledger.js';

/** 2026-11-26T12:00:00Z: every handler test runs at this instant. */
export const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

export const APPROVER = 'U0APPROVER';

export const SECRETS: Secrets = {
  deploySecret: 'deploy-secret-for-tests-0123456789',
  slackSigningSecret: 'slack-signing-secret-for-tests-abcdef',
  slackBotToken: 'xoxb-test-token',
  githubWebhookSecret: 'github-secret-for-tests',
  viewSecret: 'view-secret-for-tests-0123456789',
};

const target = (githubEnvironments: string[]) => ({
  cluster: 'sim',
  namespace: 'demo',
  primary: { service: 'podinfo-primary', deployment: 'podinfo-primary' },
  canary: { service: 'podinfo-canary', deployment: 'podinfo-canary' },
  policy: 'demo',
  approvers: [APPROVER],
  slackChannel: 'C0DEPLOYS',
  githubEnvironments,
});

export const CONFIG: AviaryConfig = AviaryConfigSchema.parse({
  clusters: { sim: { kind: 'simulated' } },
  slack: { teamId: 'T0001', enterpriseId: 'E0001' },
  policies: { demo: { stepWeights: [10, 25, 50], intervalSeconds: 5 } },
  targets: {
    podinfo: { ...target(['production', 'demo']), service: 'podinfo' },
    checkout: {
      ...target(['production']),
      service: 'checkout',
      primary: { service: 'checkout-primary', deployment: 'checkout-primary' },
      canary: { service: 'checkout-canary', deployment: 'checkout-canary' },
    },
  },
});

export const POLICY = PolicySchema.parse({ stepWeights: [10, 25, 50], intervalSeconds: 5 });

export const TARGET: ResolvedTarget = {
  ...(CONFIG.targets.podinfo as AviaryConfig['targets'][string]),
  name: 'podinfo',
};

/** A fresh rollout of `podinfo`, as the engine creates it. */
export function pendingRollout(patch: Partial<Rollout> = {}): Rollout {
  const { rollout } = newRollout({
    id: 'podinfo-1',
    target: 'podinfo',
    cluster: 'sim',
    revision: 'abc1234',
    image: 'ghcr.io/stefanprodan/podinfo:6.5.1',
    source: { kind: 'webhook', actor: 'ci-bot' },
    policy: POLICY,
    now: NOW,
  });
  return { ...rollout, ...patch };
}

/** The same rollout at 50%, waiting for approval of its promotion. */
export function awaitingApproval(patch: Partial<Rollout> = {}): Rollout {
  const { rollout } = transition(
    pendingRollout({ phase: 'progressing', stepIndex: 2, canaryWeight: 50 }),
    NOW + 60_000,
    {
      phase: 'awaiting_approval',
      approval: {
        gate: 'promotion',
        revision: 'abc1234',
        requestedAt: NOW + 60_000,
        expiresAt: NOW + 660_000,
      },
    },
    {
      action: 'request_approval',
      rule: 'approval.before_promotion',
      reason: 'all steps passed; promotion needs approval',
      explanation: {
        judge: 'aviary',
        rule: 'sprt.accept',
        summary: 'canary error rate 0.2% vs primary 0.3% over 1200 requests',
        inputs: {},
      },
    },
  );
  return { ...rollout, ...patch };
}

export function appWith(engine: Engine, patch: Partial<App> = {}): App {
  return { config: CONFIG, secrets: SECRETS, engine, requests: memoryLedger(), clock: () => NOW, ...patch };
}

export function clusterEngineAppWith(clusterEngine: ClusterEngine): ClusterEngineApp {
  return { config: CONFIG, clusterEngine, clock: () => NOW };
}

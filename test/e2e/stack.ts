import { afterAll, beforeAll } from 'vitest';
import type { BudgetTimer } from '../../lib/engine/cluster-fanout.js';
import type { RolloutStatus } from '../../lib/engine/engine.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import {
  type EmbeddedStack,
  type EmbeddedStackOptions,
  startEmbeddedStack,
} from '../../lib/local/embedded-stack.js';
import { createLocalClient, type LocalClient } from '../../lib/local/local-client.js';
import { type AviaryConfig, AviaryConfigSchema } from '../../lib/model/config.js';
import type { DeploymentView } from '../../lib/model/observation.js';
import type { Scenario } from '../../lib/sim/scenario.js';
import type { RolloutStore } from '../../lib/store/rollout-store.js';

export const APPROVER = 'U0AVIARY01';
export const STRANGER = 'U0STRANGER';

/** 2026-11-26T12:00:00Z; the e2e clock moves only when a test moves it. */
export const START = Date.UTC(2026, 10, 26, 12, 0, 0);

export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

export function fakeClock(start = START): FakeClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

export const e2eTarget = (cluster: string, name: string, extra: Record<string, unknown> = {}) => ({
  cluster,
  namespace: 'demo',
  service: name,
  primary: { service: `${name}-primary`, deployment: `${name}-primary` },
  canary: { service: `${name}-canary`, deployment: `${name}-canary` },
  policy: 'fast',
  approvers: [APPROVER],
  slackChannel: 'C0DEPLOYS',
  githubEnvironments: [name === 'podinfo' ? 'demo' : name],
  ...extra,
});

/** Two simulated clusters; `podinfo` on SMI metrics, `checkout` on an HTTPRoute with Prometheus metrics. */
export function e2eConfig(overrides: Record<string, unknown> = {}): AviaryConfig {
  return AviaryConfigSchema.parse({
    slack: { teamId: 'T0AVIARY', appId: 'A0AVIARY' },
    clusters: {
      sim: { kind: 'simulated', requestsPerSecond: 200, faultyErrorRate: 0.1, deploymentRolloutSeconds: 0 },
      edge: { kind: 'simulated', requestsPerSecond: 200, faultyErrorRate: 0.1, deploymentRolloutSeconds: 0 },
    },
    policies: {
      fast: {
        stepWeights: [10, 25, 50],
        intervalSeconds: 30,
        progressDeadlineSeconds: 600,
        checks: { minSuccessRate: 95, maxP99LatencyMs: 500, minRequests: 20 },
        approval: { beforePromotion: true, timeoutSeconds: 900 },
      },
    },
    targets: {
      podinfo: e2eTarget('sim', 'podinfo'),
      checkout: e2eTarget('edge', 'checkout', {
        router: { kind: 'httproute' },
        metrics: {
          kind: 'prometheus',
          serviceProxy: { namespace: 'linkerd-viz', service: 'prometheus', port: 9090 },
        },
      }),
    },
    ...overrides,
  });
}

export function clientFor(stack: EmbeddedStack, clock: FakeClock): LocalClient {
  return createLocalClient({
    url: stack.url,
    deploySecret: stack.secrets.deploySecret,
    slackSigningSecret: stack.secrets.slackSigningSecret,
    clock: clock.now,
    ...(stack.slack ? { responseUrl: stack.slack.responseUrl('e2e') } : {}),
  });
}

export const statusOf = (client: LocalClient, id: string): Promise<RolloutStatus> => client.rollout(id);

/**
 * Moves the clock one analysis interval and runs the scheduled function, until the rollout reaches one of
 * `phases` or `maxTicks` ran; returns the phases seen along the way.
 */
export async function tickUntil(
  stack: EmbeddedStack,
  clock: FakeClock,
  client: LocalClient,
  id: string,
  phases: RolloutStatus['phase'][],
  maxTicks = 60,
  stepMs = 30_000,
): Promise<{ status: RolloutStatus; seen: string[] }> {
  const seen: string[] = [];
  for (let i = 0; i < maxTicks; i++) {
    clock.advance(stepMs);
    await stack.tick();
    const status = await statusOf(client, id);
    const label = `${status.phase}@${status.canaryWeight}`;
    if (seen[seen.length - 1] !== label) seen.push(label);
    if (phases.includes(status.phase)) return { status, seen };
  }
  throw new Error(
    `rollout ${id} did not reach ${phases.join('/')} in ${maxTicks} ticks: ${seen.join(' → ')}`,
  );
}

/** A Deployment of a simulated cluster as the product itself reads it (image of the first container, replicas). */
export function deploymentIn(stack: EmbeddedStack, cluster: string, name: string): DeploymentView {
  const sim = stack.clusters.get(cluster);
  if (!sim) throw new Error(`no simulated cluster "${cluster}"`);
  return sim.deployment('demo', name);
}

/** An embedded stack on a shared DynamoDB Local at a fake clock, with a client that signs at that clock. */
export async function startTestStack(
  dynamo: DynamoDbLocal,
  options: {
    config?: AviaryConfig;
    seed?: number;
    kubeconfigPath?: string;
    budgetTimer?: BudgetTimer;
    wrapClusterEngine?: EmbeddedStackOptions['wrapClusterEngine'];
    wrapStore?: (store: RolloutStore) => RolloutStore;
    scenario?: Scenario;
  } = {},
): Promise<{ stack: EmbeddedStack; clock: FakeClock; client: LocalClient }> {
  const clock = fakeClock();
  const stack = await startEmbeddedStack({
    config: options.config ?? e2eConfig(),
    dynamo,
    clock: clock.now,
    logLevel: 'SILENT',
    seed: options.seed ?? 1,
    ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
    ...(options.budgetTimer ? { budgetTimer: options.budgetTimer } : {}),
    ...(options.wrapClusterEngine ? { wrapClusterEngine: options.wrapClusterEngine } : {}),
    ...(options.wrapStore ? { wrapStore: options.wrapStore } : {}),
    ...(options.scenario ? { scenario: options.scenario } : {}),
  });
  return { stack, clock, client: clientFor(stack, clock) };
}

export interface TestStackHandle {
  stack: EmbeddedStack;
  clock: FakeClock;
  client: LocalClient;
}

/**
 * For a file with one stack: starts DynamoDB Local and the stack before its tests, stops both after. The handle
 * is filled in `beforeAll`; read it inside tests.
 */
export function useTestStack(options: Parameters<typeof startTestStack>[1] = {}): TestStackHandle {
  let dynamo: DynamoDbLocal | undefined;
  const handle = {} as TestStackHandle;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    Object.assign(handle, await startTestStack(dynamo, options));
  });
  afterAll(async () => {
    await handle.stack?.close();
    await dynamo?.stop();
  });
  return handle;
}

import { type DynamoDbFault, injectDynamoDbFaults } from '../../local/dynamodb-faults.js';
import type { DynamoDbLocal } from '../../local/dynamodb-local.js';
import type { RequestFault } from '../kube-api/index.js';
import { createRandom, type Random } from '../random.js';
import { chaosConfig, chaosTargetName } from './chaos-config.js';
import { startChaosStack } from './chaos-stack.js';
import { type ChaosTarget, runRounds, type TargetOutcome } from './rounds.js';
import { SCRIPTS } from './scripts.js';

export interface FaultStormOptions {
  rollouts: number;
  /** Share of faulty canaries. */
  faultyShare?: number;
  /** Probability of a fault per Kubernetes API request. */
  kubeFaultRate?: number;
  /** Probability of a fault per DynamoDB attempt (each SDK retry is an attempt). */
  dynamoFaultRate?: number;
  seed: number;
  clusters?: number;
  maxRounds?: number;
}

export interface FaultStormResult {
  outcomes: TargetOutcome[];
  rounds: number;
  injected: {
    kube: Record<string, number>;
    dynamo: Record<string, number>;
    kubeRequests: number;
    dynamoAttempts: number;
  };
}

const KUBE_FAULTS: RequestFault[] = [
  { kind: 'status', code: 500 },
  { kind: 'status', code: 503 },
  { kind: 'status', code: 504 },
  { kind: 'reset' },
  { kind: 'lostAnswer' },
  { kind: 'conflict' },
];
const DYNAMO_FAULTS: DynamoDbFault[] = ['throttle', 'throttleAlt', 'internal', 'lostAnswer'];

const kubeLabel = (f: RequestFault): string => (f.kind === 'status' ? String(f.code) : f.kind);

/**
 * Rollouts, healthy and faulty, under Kubernetes API faults (5xx, timeouts before and after a write took effect,
 * 409s) injected in the API doubles and DynamoDB throttling and 5xx injected in the store client's middleware
 * stack, all drawn from one seeded generator. Every rollout must end where its canary deserves.
 */
export async function runFaultStorm(
  dynamo: DynamoDbLocal,
  options: FaultStormOptions,
): Promise<FaultStormResult> {
  const rng = createRandom(options.seed);
  const faultyShare = options.faultyShare ?? 0.3;
  const targets: ChaosTarget[] = Array.from({ length: options.rollouts }, (_, i) => ({
    name: chaosTargetName(i),
    script: (rng.uniform() < faultyShare ? SCRIPTS.faulty : SCRIPTS.promoted) as NonNullable<
      typeof SCRIPTS.faulty
    >,
  }));
  const cs = await startChaosStack(
    dynamo,
    chaosConfig({ targets: targets.length, clusters: options.clusters ?? 10 }),
    options.seed,
  );
  const injected: FaultStormResult['injected'] = { kube: {}, dynamo: {}, kubeRequests: 0, dynamoAttempts: 0 };
  const count = (table: Record<string, number>, key: string) => {
    table[key] = (table[key] ?? 0) + 1;
  };
  try {
    const kubeRate = options.kubeFaultRate ?? 0.2;
    for (const cluster of cs.stack.clusters.values()) {
      cluster.api.setFaultPolicy((request) => {
        injected.kubeRequests += 1;
        if (rng.uniform() >= kubeRate) return null;
        let fault = pick(rng, KUBE_FAULTS);
        // A read is not refused with 409; it meets an outage instead.
        if (fault.kind === 'conflict' && !request.write) fault = { kind: 'status', code: 503 };
        count(injected.kube, kubeLabel(fault));
        return fault;
      });
    }
    const dynamoRate = options.dynamoFaultRate ?? 0.1;
    injectDynamoDbFaults(cs.stack.storeClient, () => {
      injected.dynamoAttempts += 1;
      if (rng.uniform() >= dynamoRate) return null;
      const fault = pick(rng, DYNAMO_FAULTS);
      count(injected.dynamo, fault);
      return fault;
    });
    const run = await runRounds(cs, targets, { maxRounds: options.maxRounds ?? 120 });
    return { outcomes: run.outcomes, rounds: run.rounds, injected };
  } finally {
    await cs.close();
  }
}

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[Math.floor(rng.uniform() * items.length)] as T;
}

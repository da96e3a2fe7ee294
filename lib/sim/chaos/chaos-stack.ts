import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TickSummary } from '../../engine/engine.js';
import type { DynamoDbLocal } from '../../local/dynamodb-local.js';
import { type EmbeddedStack, startEmbeddedStack } from '../../local/embedded-stack.js';
import type { AviaryConfig, ResolvedTarget } from '../../model/config.js';
import type { Decision, Rollout } from '../../model/rollout.js';
import { signDeployRequest } from '../../signatures/deploy-hmac.js';
import { signSlackRequest } from '../../signatures/slack.js';
import { DynamoDbRolloutStore } from '../../store/dynamodb-store.js';
import { DECISION_PREFIX, ROLLOUT_PREFIX } from '../../store/table-keys.js';
import type { SimulatedCluster } from '../cluster/simulated-cluster.js';
import { CHAOS_INTERVAL_MS, chaosChannel } from './chaos-config.js';

/** 2026-11-26T12:00:00Z: chaos runs move this clock by hand, never by waiting. */
export const CHAOS_START = Date.UTC(2026, 10, 26, 12, 0, 0);

export interface Answer {
  status: number;
  body: unknown;
}

/** A decision as stored, with the rollout version its write produced (from its sort key). */
export interface StoredDecision extends Decision {
  version: number;
}

/** One target's cluster as the mesh sees it. */
export interface ClusterState {
  canaryWeight: number;
  canaryReplicas: number;
  primaryImage: string | null;
}

/**
 * The real stack of `npm start` (the same Lambda handlers behind the local HTTP API, DynamoDB Local, one
 * Kubernetes API double per simulated cluster, the Slack double) at a clock the run moves, and what a chaos run
 * needs around it: signed requests as CI and Slack send them, and reads that bypass the injected faults.
 */
export interface ChaosStack {
  stack: EmbeddedStack;
  now(): number;
  advance(ms?: number): void;
  /** Signed `POST /webhooks/deploy` with an `X-Aviary-Delivery` id. */
  deploy(target: string, revision: string, image: string, delivery: string): Promise<Answer>;
  /** Signed `/aviary <verb> <ref> <note>` from the approver; `note` keeps each request's body unique. */
  slash(
    verb: 'approve' | 'reject' | 'pause' | 'resume' | 'abort',
    ref: string,
    note: string,
  ): Promise<Answer>;
  tick(): Promise<TickSummary>;
  /** Consistent reads through a client without faults. */
  rollout(id: string): Promise<Rollout | null>;
  rollouts(target: string): Promise<Rollout[]>;
  /** Every rollout by target, newest first: one query for a whole fleet. */
  rolloutsByTarget(): Promise<Map<string, Rollout[]>>;
  history(id: string): Promise<StoredDecision[]>;
  cluster(target: string): ClusterState;
  simulated(target: string): { sim: SimulatedCluster; target: ResolvedTarget };
  /** Messages the Slack double holds about one rollout (by target and revision), oldest first. */
  messagesOf(target: string, revision: string): { text: string }[];
  close(): Promise<void>;
}

export async function startChaosStack(
  dynamo: DynamoDbLocal,
  config: AviaryConfig,
  seed: number,
): Promise<ChaosStack> {
  let now = CHAOS_START;
  const stack = await startEmbeddedStack({
    config,
    dynamo,
    clock: () => now,
    logLevel: 'SILENT',
    seed,
    // Lambda's longest timeout: on a loaded machine a tick over a large fleet must not be cut short, since its
    // work would go on in the background while the run moves to the next round.
    tickTimeoutMs: 900_000,
    // A rollback's write is retried at once: the faults are drawn per request, so a wait would change nothing
    // but the run's length, and a run must not depend on how fast the machine is.
    sleep: async () => {},
  });
  // The observer's reads go through the JVM's own client, which no fault policy touches.
  const observer = new DynamoDbRolloutStore({ client: dynamo.doc, tableName: stack.tableName });
  const post = async (path: string, body: string, headers: Record<string, string>): Promise<Answer> => {
    const response = await fetch(new URL(path, stack.url), { method: 'POST', body, headers });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  };
  const simulated = (name: string) => {
    const target = stack.target(name);
    const sim = stack.clusters.get(target.cluster);
    if (!sim) throw new Error(`no simulated cluster ${target.cluster}`);
    return { sim, target };
  };
  return {
    stack,
    now: () => now,
    advance: (ms = CHAOS_INTERVAL_MS) => {
      now += ms;
    },
    deploy: (target, revision, image, delivery) => {
      const body = JSON.stringify({ target, revision, image });
      return post('/webhooks/deploy', body, {
        'content-type': 'application/json',
        'x-aviary-delivery': delivery,
        ...signDeployRequest(stack.secrets.deploySecret, body, now),
      });
    },
    slash: (verb, ref, note) => {
      const body = new URLSearchParams({
        command: '/aviary',
        text: `${verb} ${ref} ${note}`,
        user_id: 'U0CHAOS001',
        user_name: 'chaos',
        team_id: 'T0AVIARY',
        channel_id: 'C0AVIARY',
        response_url:
          stack.slack?.responseUrl('chaos') ?? 'https://hooks.slack.com/commands/T0AVIARY/1/chaos',
        trigger_id: '1.1.chaos',
      }).toString();
      return post('/webhooks/slack', body, {
        'content-type': 'application/x-www-form-urlencoded',
        ...signSlackRequest(stack.secrets.slackSigningSecret, body, now),
      });
    },
    tick: () => stack.tick(),
    rollout: (id) => observer.getRollout(id),
    rollouts: (target) => observer.listRollouts({ target }),
    rolloutsByTarget: async () => {
      const byTarget = new Map<string, Rollout[]>();
      for (const r of await observer.listRollouts()) {
        const list = byTarget.get(r.target);
        if (list) list.push(r);
        else byTarget.set(r.target, [r]);
      }
      return byTarget;
    },
    history: async (id) => {
      const out = await dynamo.doc.send(
        new QueryCommand({
          TableName: stack.tableName,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `${ROLLOUT_PREFIX}${id}`, ':prefix': DECISION_PREFIX },
        }),
      );
      const items = out.Items ?? [];
      if (out.LastEvaluatedKey) throw new Error(`history of ${id} does not fit one page`);
      return items.map((item) => {
        const version = Number(/#(\d+)-\d+$/.exec(String(item.sk))?.[1]);
        return { ...(item as Decision), version };
      });
    },
    cluster: (name) => {
      const { sim, target } = simulated(name);
      return {
        canaryWeight: sim.weightsOf(target).canary,
        canaryReplicas: sim.deployment(target.namespace, target.canary.deployment).replicas,
        primaryImage: sim.deployment(target.namespace, target.primary.deployment).image,
      };
    },
    simulated,
    messagesOf: (target, revision) =>
      stack.slack?.messages.filter(
        (m) => m.channel === chaosChannel(target) && m.text.startsWith(`${target} ${revision}:`),
      ) ?? [],
    close: () => stack.close(),
  };
}

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetTimer } from '../../lib/engine/cluster-fanout.js';
import type { RolloutStatus, TickSummary } from '../../lib/engine/engine.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import type { EmbeddedStack } from '../../lib/local/embedded-stack.js';
import type { LocalClient } from '../../lib/local/local-client.js';
import type { Weights } from '../../lib/model/observation.js';
import type { SimulatedCluster } from '../../lib/sim/cluster/simulated-cluster.js';
import type { FaultSettings } from '../../lib/sim/kube-api/index.js';
import { e2eConfig, type FakeClock, startTestStack, statusOf } from './stack.js';

/** The per-cluster budget of the latency case (what the summary reports; expiry is driven by the test). */
const BUDGET_MS = 300;
/** The default budget, for the cases where the budget is not what is tested. */
const DEFAULT_BUDGET_MS = 20_000;

const image = (tag: string) => `ghcr.io/stefanprodan/podinfo:${tag}`;

describe('two clusters: one down or slow holds only its own rollout', () => {
  let dynamo: DynamoDbLocal;
  let stack: EmbeddedStack;
  let clock: FakeClock;
  let client: LocalClient;
  let sim: SimulatedCluster;
  let edge: SimulatedCluster;
  /** podinfo on `sim` (TrafficSplit), checkout on `edge` (HTTPRoute). */
  let ids: { podinfo: string; checkout: string };

  /**
   * Clusters whose budget runs out in the ticks to come. The budget is not left to the machine's speed: it runs
   * out as soon as such a cluster is worked on, and never for the others, however slow a busy machine is.
   */
  const overBudget = new Set<string>();
  const budgetTimer: BudgetTimer = (cluster, _ms, expire) => {
    if (overBudget.has(cluster)) queueMicrotask(expire);
    return () => {};
  };

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  /** A stack with `budgetMs` per cluster and tick, podinfo and checkout both deployed and holding 10 %. */
  async function setUp(budgetMs: number): Promise<void> {
    overBudget.clear();
    ({ stack, clock, client } = await startTestStack(dynamo, {
      config: e2eConfig({ tick: { clusterConcurrency: 2, clusterBudgetMs: budgetMs } }),
      seed: 13,
      budgetTimer,
    }));
    const [s, e] = [stack.clusters.get('sim'), stack.clusters.get('edge')];
    if (!s || !e) throw new Error('the e2e config has clusters sim and edge');
    [sim, edge] = [s, e];
    ids = { podinfo: await deploy('podinfo', 'rev-651'), checkout: await deploy('checkout', 'rev-651') };
    await tickUntilBoth(
      (p, c) =>
        p.canaryWeight === 10 &&
        c.canaryWeight === 10 &&
        podinfoWeights().canary === 10 &&
        checkoutWeights().canary === 10,
    );
    expect(podinfoWeights()).toEqual({ primary: 90, canary: 10 });
    expect(checkoutWeights()).toEqual({ primary: 90, canary: 10 });
  }

  afterEach(async () => {
    await stack?.close();
  });

  async function deploy(target: string, revision: string): Promise<string> {
    const response = await client.deploy({ target, revision, image: image('6.5.1') });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    return (response.body as { rollout: { id: string } }).rollout.id;
  }
  const podinfoWeights = (): Weights => sim.weightsOf(stack.target('podinfo'));
  const checkoutWeights = (): Weights => edge.weightsOf(stack.target('checkout'));
  const both = async () => ({
    podinfo: await statusOf(client, ids.podinfo),
    checkout: await statusOf(client, ids.checkout),
  });

  /** One analysis interval per tick until `done` holds for both rollouts. */
  async function tickUntilBoth(
    done: (podinfo: RolloutStatus, checkout: RolloutStatus) => boolean,
    each: (summary: TickSummary, now: { podinfo: RolloutStatus; checkout: RolloutStatus }) => void = () => {},
    maxTicks = 10,
  ): Promise<{ podinfo: RolloutStatus; checkout: RolloutStatus; ticks: number }> {
    const seen: string[] = [];
    for (let i = 1; i <= maxTicks; i++) {
      clock.advance(30_000);
      const summary = await stack.tick();
      const now = await both();
      seen.push(
        `${now.podinfo.phase}@${now.podinfo.canaryWeight}/${now.checkout.phase}@${now.checkout.canaryWeight}`,
      );
      each(summary, now);
      if (done(now.podinfo, now.checkout)) return { ...now, ticks: i };
    }
    throw new Error(`not reached in ${maxTicks} ticks: ${seen.join(' → ')}`);
  }

  const outages: {
    name: string;
    faults: FaultSettings;
    /** What the tick summary says about the checkout rollout while edge is faulty. */
    rolloutError: RegExp;
    /** What the tick summary says about the edge cluster itself. */
    edgeOk: boolean;
    /** Whether the hold is recorded in checkout's history (a readable failure is; an abandoned tick is not). */
    recordsHold: boolean;
    budgetMs: number;
    /** Whether edge uses up its budget while the fault is on. */
    overBudget?: boolean;
  }[] = [
    {
      name: 'edge answers 503 to every request',
      faults: { failAll: 'unavailable' },
      rolloutError: /HTTP 503/,
      // Every read fails fast, within the budget: the cluster is still reported down, and the rollout holds.
      edgeOk: false,
      recordsHold: true,
      budgetMs: DEFAULT_BUDGET_MS,
    },
    {
      name: 'edge resets every connection',
      faults: { failAll: 'reset' },
      rolloutError: /socket hang up|ECONNRESET|reset/i,
      edgeOk: false,
      recordsHold: true,
      budgetMs: DEFAULT_BUDGET_MS,
    },
    {
      name: `edge answers after 2000 ms, past the ${BUDGET_MS} ms per-cluster budget`,
      faults: { latencyMs: 2000 },
      rolloutError: new RegExp(`cluster "edge" timed out after ${BUDGET_MS} ms`),
      edgeOk: false,
      recordsHold: false,
      budgetMs: BUDGET_MS,
      overBudget: true,
    },
  ];

  it.each(outages)(
    '$name: podinfo keeps progressing, checkout holds, then resumes once edge is back',
    async (c) => {
      await setUp(c.budgetMs);
      const heldAt = await statusOf(client, ids.checkout);
      expect(heldAt).toMatchObject({ phase: 'progressing', canaryWeight: 10 });

      edge.api.injectFaults(c.faults);
      if (c.overBudget) overBudget.add('edge');
      const during = await tickUntilBoth(
        (podinfo) => podinfo.canaryWeight === 50 && podinfoWeights().canary === 50,
        (summary, now) => {
          // Every tick: checkout and its HTTPRoute stay exactly where they were; the summary says why.
          expect(checkoutWeights()).toEqual({ primary: 90, canary: 10 });
          expect(now.checkout).toMatchObject({ phase: 'progressing', canaryWeight: 10, stepIndex: 0 });
          const checkout = summary.rollouts.find((r) => r.id === ids.checkout);
          expect(checkout?.error, JSON.stringify(summary)).toMatch(c.rolloutError);
          expect(checkout?.action).not.toBe('rollback');
          const edgeEntry = summary.clusters.find((e) => e.name === 'edge');
          expect(edgeEntry?.ok, JSON.stringify(summary)).toBe(c.edgeOk);
          // The tick gave up on edge at its budget instead of waiting for the slow answers.
          if (c.overBudget) expect(edgeEntry?.error).toBe(`cluster "edge" timed out after ${BUDGET_MS} ms`);
        },
        15,
      );
      expect(during.podinfo.phase).toBe('progressing');
      expect(podinfoWeights()).toEqual({ primary: 50, canary: 50 });
      expect(during.ticks).toBeGreaterThanOrEqual(2);

      const holds = during.checkout.history.slice(heldAt.history.length);
      if (c.recordsHold) {
        // Held with the reason (recorded again only when the failing request differs), never a failed check.
        expect(holds.length).toBeGreaterThanOrEqual(1);
        for (const d of holds) expect([d.action, d.rule]).toEqual(['hold', 'cluster_unavailable']);
        expect(during.checkout.history.at(-1)?.reason).toMatch(c.rolloutError);
      } else {
        expect(holds).toEqual([]);
      }

      edge.api.injectFaults({});
      overBudget.delete('edge');
      let edgeOkAgain = false;
      const after = await tickUntilBoth(
        (_, checkout) => checkout.canaryWeight === 25 && checkoutWeights().canary === 25,
        (summary) => {
          edgeOkAgain ||= summary.clusters.find((e) => e.name === 'edge')?.ok === true;
        },
        8,
      );
      expect(edgeOkAgain).toBe(true);
      expect(after.checkout.phase).toBe('progressing');
      expect(checkoutWeights()).toEqual({ primary: 75, canary: 25 });
      // And podinfo was not set back by any of it.
      expect(podinfoWeights().canary).toBeGreaterThanOrEqual(50);
    },
    120_000,
  );

  const conflictCases = [
    { target: 'podinfo' as const, cluster: 'sim', resource: 'trafficsplits' },
    { target: 'checkout' as const, cluster: 'edge', resource: 'httproutes' },
  ];

  it.each(conflictCases)(
    '$cluster answering 409 on the next 2 $resource writes: the step still lands in the same tick',
    async (c) => {
      await setUp(DEFAULT_BUDGET_MS);
      const cluster = c.cluster === 'sim' ? sim : edge;
      const weightsNow = () => cluster.weightsOf(stack.target(c.target));
      const from = cluster.api.requests.length;
      cluster.api.injectFaults({ conflictsOnNextWrites: 2 });

      await tickUntilBoth(
        (podinfo, checkout) => (c.target === 'podinfo' ? podinfo : checkout).canaryWeight === 25,
      );
      // The tick that decided 25 % also made the router hold it, through the conflicts.
      expect(weightsNow()).toEqual({ primary: 75, canary: 25 });
      const writes = cluster.api.requests
        .slice(from)
        .filter((r) => (r.method === 'PUT' || r.method === 'PATCH') && r.path.includes(`/${c.resource}/`));
      expect(writes.map((w) => w.status)).toEqual([409, 409, 200]);
      const status = await statusOf(client, ids[c.target]);
      expect(status.phase).toBe('progressing');
      expect(status.history.some((d) => d.action === 'rollback')).toBe(false);
    },
    120_000,
  );

  it('more conflicts than the writer retries: that tick fails to set the weight, a later tick converges', async () => {
    await setUp(DEFAULT_BUDGET_MS);
    const from = sim.api.requests.length;
    // 5 attempts per write (retryOnConflict), so the first write gives up; the next tick's write goes through.
    sim.api.injectFaults({ conflictsOnNextWrites: 7 });
    const errors: string[] = [];
    await tickUntilBoth(
      (podinfo) => podinfo.canaryWeight === 25 && podinfoWeights().canary === 25,
      (summary) => {
        const entry = summary.rollouts.find((r) => r.id === ids.podinfo);
        if (entry?.error) errors.push(entry.error);
      },
    );
    expect(errors.some((e) => /conflict/i.test(e))).toBe(true);
    const writes = sim.api.requests
      .slice(from)
      .filter((r) => (r.method === 'PUT' || r.method === 'PATCH') && r.path.includes('/trafficsplits/'));
    expect(writes.filter((w) => w.status === 409)).toHaveLength(7);
    expect(writes.at(-1)?.status).toBe(200);
    expect(podinfoWeights()).toEqual({ primary: 75, canary: 25 });
    const status = await statusOf(client, ids.podinfo);
    expect(status.phase).toBe('progressing');
    expect(status.history.some((d) => d.action === 'rollback')).toBe(false);
  });
});

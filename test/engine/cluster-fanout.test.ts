import { AppsV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { fanOutByCluster } from '../../lib/engine/cluster-fanout.js';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';

interface Item {
  cluster: string;
  id: string;
}
const items = (spec: Record<string, number>): Item[] =>
  Object.entries(spec).flatMap(([cluster, n]) =>
    Array.from({ length: n }, (_, i) => ({ cluster, id: `${cluster}-${i}` })),
  );

/** Never settles by itself: stands for a cluster that does not answer. */
const hang = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

describe('fanOutByCluster', () => {
  it("groups items by cluster and reports each cluster's result in first-appearance order", async () => {
    const mixed: Item[] = [
      { cluster: 'b', id: 'b1' },
      { cluster: 'a', id: 'a1' },
      { cluster: 'b', id: 'b2' },
    ];
    const out = await fanOutByCluster(
      mixed,
      async (cluster, group) => `${cluster}:${group.map((i) => i.id).join(',')}`,
      {
        concurrency: 4,
        budgetMs: 5_000,
      },
    );
    expect(out.map(({ cluster, ok, value }) => ({ cluster, ok, value }))).toEqual([
      { cluster: 'b', ok: true, value: 'b:b1,b2' },
      { cluster: 'a', ok: true, value: 'a:a1' },
    ]);
    expect(out.every((o) => o.ms >= 0 && o.error === undefined && o.timedOut === undefined)).toBe(true);
    expect(await fanOutByCluster([], async () => 1, { concurrency: 1, budgetMs: 10 })).toEqual([]);
  });

  it('never works on more clusters at once than the concurrency cap', async () => {
    let active = 0;
    let peak = 0;
    const out = await fanOutByCluster(
      items({ a: 1, b: 1, c: 1, d: 1, e: 1 }),
      async (cluster) => {
        active++;
        peak = Math.max(peak, active);
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        active--;
        return cluster;
      },
      { concurrency: 2, budgetMs: 5_000 },
    );
    expect(peak).toBe(2);
    expect(out.map((o) => o.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a cluster over budget is timed out and aborted; a failing one fails; the others finish their work', async () => {
    const completed: string[] = [];
    const aborted: string[] = [];
    // The budget is driven by events, not time: slow's runs out once its work is under way, the others' never.
    const expiries = new Map<string, () => void>();
    const out = await fanOutByCluster(
      items({ slow: 2, broken: 1, fast: 3 }),
      async (cluster, group, signal) => {
        signal.addEventListener('abort', () => aborted.push(cluster));
        if (cluster === 'slow') {
          const hung = hang(signal);
          expiries.get('slow')?.();
          return hung;
        }
        if (cluster === 'broken') throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
        for (const item of group) completed.push(item.id);
        return group.length;
      },
      {
        concurrency: 3,
        budgetMs: 100,
        budgetTimer: (cluster, _ms, expire) => {
          expiries.set(cluster, expire);
          return () => expiries.delete(cluster);
        },
      },
    );
    expect(
      out.map(({ cluster, ok, timedOut, value, error }) => ({ cluster, ok, timedOut, value, error })),
    ).toEqual([
      {
        cluster: 'slow',
        ok: false,
        timedOut: true,
        value: undefined,
        error: 'cluster "slow" timed out after 100 ms',
      },
      {
        cluster: 'broken',
        ok: false,
        timedOut: undefined,
        value: undefined,
        error: 'connect ECONNREFUSED 127.0.0.1:6443',
      },
      { cluster: 'fast', ok: true, timedOut: undefined, value: 3, error: undefined },
    ]);
    expect(completed).toEqual(['fast-0', 'fast-1', 'fast-2']);
    expect(aborted).toEqual(['slow']);
  });

  it('frees the slot of a timed-out cluster, even with concurrency 1 and work that ignores its signal', async () => {
    let release: () => void = () => {};
    const ignoresSignal = new Promise<string>((resolve) => {
      release = () => resolve('late');
    });
    const out = await fanOutByCluster(
      items({ stuck: 1, next: 1 }),
      async (cluster) => (cluster === 'stuck' ? ignoresSignal : 'done'),
      { concurrency: 1, budgetMs: 50 },
    );
    release();
    expect(out.map((o) => [o.cluster, o.ok, o.value ?? o.error])).toEqual([
      ['stuck', false, 'cluster "stuck" timed out after 50 ms'],
      ['next', true, 'done'],
    ]);
  });

  it('work past its budget sees the abort before it writes, so its rollouts hold', async () => {
    const writes: string[] = [];
    const out = await fanOutByCluster(
      items({ late: 1 }),
      async (_cluster, group, signal) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        // The engine's rule: check the signal before each write to the cluster.
        if (!signal.aborted) writes.push(group[0]?.id ?? '');
        return 'wrote';
      },
      { concurrency: 1, budgetMs: 20 },
    );
    expect(out[0]).toMatchObject({ ok: false, timedOut: true });
    expect(writes).toEqual([]);
  });

  it('a synchronous throw fails only its own cluster', async () => {
    const out = await fanOutByCluster(
      items({ a: 1, b: 1 }),
      (cluster) => {
        if (cluster === 'a') throw new TypeError('bad config');
        return Promise.resolve('ok');
      },
      { concurrency: 2, budgetMs: 1_000 },
    );
    expect(out.map((o) => [o.cluster, o.ok, o.value ?? o.error])).toEqual([
      ['a', false, 'bad config'],
      ['b', true, 'ok'],
    ]);
  });

  it('rejects a concurrency or budget that makes no sense', async () => {
    await expect(
      fanOutByCluster(items({ a: 1 }), async () => 1, { concurrency: 0, budgetMs: 10 }),
    ).rejects.toThrow(/concurrency must be a positive integer, got 0/);
    await expect(
      fanOutByCluster(items({ a: 1 }), async () => 1, { concurrency: 1.5, budgetMs: 10 }),
    ).rejects.toThrow(/concurrency must be a positive integer/);
    await expect(
      fanOutByCluster(items({ a: 1 }), async () => 1, { concurrency: 1, budgetMs: -1 }),
    ).rejects.toThrow(/budgetMs must be a positive number, got -1/);
  });
});

describe('fanOutByCluster over Kubernetes API servers', () => {
  const deployment = (name: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'podinfo:6.0.0' }] },
      },
    },
  });

  it('a slow cluster times out and is left alone, an unavailable one fails, the healthy one is fully worked on', async () => {
    const clusters = {
      healthy: await startKubeApiDouble(),
      slow: await startKubeApiDouble(),
      down: await startKubeApiDouble(),
    };
    try {
      for (const kube of Object.values(clusters)) {
        kube.apply(deployment('podinfo-canary'));
        kube.apply(deployment('shop-canary'));
      }
      clusters.slow.injectFaults({ latencyMs: 10_000 });
      clusters.down.injectFaults({ failAll: 'unavailable' });

      const rollouts = (['slow', 'down', 'healthy'] as const).flatMap((cluster) =>
        ['podinfo-canary', 'shop-canary'].map((deployment) => ({ cluster, deployment })),
      );
      const out = await fanOutByCluster(
        rollouts,
        async (cluster, items, signal) => {
          const apps = clusters[cluster as keyof typeof clusters].kubeConfig().makeApiClient(AppsV1Api);
          const scaled: string[] = [];
          for (const { deployment: name } of items) {
            const current = await apps.readNamespacedDeploymentScale({ name, namespace: 'default' });
            if (signal.aborted) break;
            await apps.patchNamespacedDeploymentScale({
              name,
              namespace: 'default',
              body: [{ op: 'replace', path: '/spec/replicas', value: (current.spec?.replicas ?? 0) + 2 }],
            });
            scaled.push(name);
          }
          return scaled;
        },
        { concurrency: 3, budgetMs: 2_000 },
      );

      expect(out.map(({ cluster, ok, timedOut, value }) => ({ cluster, ok, timedOut, value }))).toEqual([
        { cluster: 'slow', ok: false, timedOut: true, value: undefined },
        { cluster: 'down', ok: false, timedOut: undefined, value: undefined },
        { cluster: 'healthy', ok: true, timedOut: undefined, value: ['podinfo-canary', 'shop-canary'] },
      ]);
      expect(out[1]?.error).toMatch(/503/);
      const replicas = (kube: KubeApiDouble, name: string) =>
        (kube.get('apps/v1', 'Deployment', 'default', name)?.spec as { replicas?: number } | undefined)
          ?.replicas;
      expect([
        replicas(clusters.healthy, 'podinfo-canary'),
        replicas(clusters.healthy, 'shop-canary'),
      ]).toEqual([3, 3]);
      expect([replicas(clusters.slow, 'podinfo-canary'), replicas(clusters.slow, 'shop-canary')]).toEqual([
        1, 1,
      ]);
      expect([replicas(clusters.down, 'podinfo-canary'), replicas(clusters.down, 'shop-canary')]).toEqual([
        1, 1,
      ]);
    } finally {
      await Promise.all(Object.values(clusters).map((kube) => kube.close()));
    }
  });
});

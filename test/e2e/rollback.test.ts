import { describe, expect, it } from 'vitest';
import { SEED_IMAGE } from '../../lib/sim/cluster/target-objects.js';
import { deploymentIn, tickUntil, useTestStack } from './stack.js';

describe('a bad canary is rolled back, whatever router and metric source carry it', () => {
  const e2e = useTestStack({ seed: 11 });

  let rolledBack = 0;
  const cases = [
    {
      target: 'podinfo',
      cluster: 'sim',
      how: 'TrafficSplit + SMI metrics',
      tag: '6.5.2-faulty',
      rule: /error|success/i,
    },
    {
      target: 'checkout',
      cluster: 'edge',
      how: 'HTTPRoute + Prometheus',
      tag: '6.5.2-faulty',
      rule: /error|success/i,
    },
    {
      target: 'podinfo',
      cluster: 'sim',
      how: 'TrafficSplit + SMI metrics, slow canary',
      tag: '6.5.3-slow',
      rule: /latency|p99/i,
    },
  ];

  for (const c of cases) {
    it(`${c.target} (${c.how}): ${c.tag} → rolling_back → failed, primary untouched, canary at zero`, async () => {
      const { stack, clock, client } = e2e;
      const image = `ghcr.io/stefanprodan/podinfo:${c.tag}`;
      const started = await client.deploy({ target: c.target, revision: `rev-${c.tag}`, image });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const id = (started.body as { rollout: { id: string } }).rollout.id;

      const { status, seen } = await tickUntil(stack, clock, client, id, [
        'failed',
        'succeeded',
        'awaiting_approval',
      ]);
      expect(status.phase, seen.join(' → ')).toBe('failed');
      expect(seen.some((s) => s.startsWith('rolling_back') || s.startsWith('failed'))).toBe(true);
      const rollback = status.history.find((d) => d.action === 'rollback');
      expect(rollback?.metrics?.canary).toBeTruthy();
      expect(`${rollback?.rule} ${rollback?.reason}`).toMatch(c.rule);

      const cluster = stack.clusters.get(c.cluster);
      if (!cluster) throw new Error(`no cluster ${c.cluster}`);
      const target = stack.target(c.target);
      expect(cluster.weightsOf(target)).toEqual({ primary: 100, canary: 0 });
      expect(deploymentIn(stack, c.cluster, target.primary.deployment).image).toBe(SEED_IMAGE);
      expect(deploymentIn(stack, c.cluster, target.canary.deployment).replicas).toBe(0);
      // CloudWatch would have seen it: the tick's EMF document counted the rollback.
      const rollbacks = stack.metrics.published.reduce(
        (n, doc) => n + Number((doc as { Rollbacks?: number }).Rollbacks ?? 0),
        0,
      );
      expect(rollbacks).toBe(++rolledBack);
    });
  }
});

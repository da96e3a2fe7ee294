import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { parseScenario } from '../../lib/sim/scenario.js';
import { startTestStack, tickUntil } from './stack.js';

/**
 * The production latency path end to end: the simulated mesh's traffic reaches the product only as Linkerd's
 * `response_latency_ms_bucket` series in the Prometheus double, behind the Kubernetes API's service proxy; the
 * Prometheus metric source queries the bucket increases over each window and the judge tests the counts.
 */
const scenario = (canaryP99: number) =>
  parseScenario({
    name: `histogram-p99-${canaryP99}`,
    durationSeconds: 3600,
    requestsPerSecond: 200,
    primary: { errorRate: 0.001, latencyMs: { p50: 40, p99: 180 } },
    // p99 well under the policy's 500 ms guard-rail: only the comparison with the primary can see it.
    canary: { errorRate: 0.001, latencyMs: { p50: 40, p99: canaryP99 } },
    metrics: 'histogram',
    expected: canaryP99 > 180 ? 'rollback' : 'promote',
  }).scenario;

describe('latency judged on Prometheus histogram buckets (checkout: HTTPRoute + Prometheus)', () => {
  let dynamo: DynamoDbLocal | undefined;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
  });
  afterAll(async () => {
    await dynamo?.stop();
  });

  async function rollout(canaryP99: number, seed: number) {
    if (!dynamo) throw new Error('DynamoDB Local did not start');
    const { stack, clock, client } = await startTestStack(dynamo, { seed, scenario: scenario(canaryP99) });
    try {
      const started = await client.deploy({
        target: 'checkout',
        revision: 'rev-2',
        image: 'ghcr.io/stefanprodan/podinfo:6.5.2',
      });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const id = (started.body as { rollout: { id: string } }).rollout.id;
      return await tickUntil(stack, clock, client, id, ['failed', 'succeeded', 'awaiting_approval']);
    } finally {
      await stack.close();
    }
  }

  it('a canary 70% slower at p99 is rolled back by the histogram test, which the evidence names', async () => {
    const { status, seen } = await rollout(300, 21);
    expect(status.phase, seen.join(' → ')).toBe('failed');
    const rollback = status.history.find((d) => d.action === 'rollback');
    expect(rollback?.rule).toBe('judge.sprt.reject.latency');
    expect(rollback?.reason).toMatch(/slower than 200ms .* \(histogram test on bucket counts\)/);
    // What the judge saw came from the bucket series: Linkerd's bounds, as many requests as the counts query.
    const canary = rollback?.metrics?.canary;
    expect(canary?.latencyHistogram?.boundsMs).toContain(50_000);
    const total = canary?.latencyHistogram?.counts.reduce((a, b) => a + b, 0);
    expect(total).toBe((canary?.successCount ?? 0) + (canary?.failureCount ?? 0));
    expect(canary?.p99Ms).toBeLessThan(500);
  });

  it('a canary as fast as the primary is not rolled back: it reaches the promotion approval', async () => {
    const { status, seen } = await rollout(180, 22);
    expect(status.phase, seen.join(' → ')).toBe('awaiting_approval');
    expect(status.approval?.gate).toBe('promotion');
    expect(status.history.some((d) => d.action === 'rollback')).toBe(false);
    expect(status.history.some((d) => d.metrics?.canary?.latencyHistogram !== undefined)).toBe(true);
  });
});

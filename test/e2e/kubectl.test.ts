import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../lib/engine/engine.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import type { EmbeddedStack } from '../../lib/local/embedded-stack.js';
import type { LocalClient } from '../../lib/local/local-client.js';
import { SEED_IMAGE } from '../../lib/sim/cluster/target-objects.js';
import { type FakeClock, startTestStack, statusOf } from './stack.js';

// Asynchronously: the API doubles answer from this very process, a synchronous child would deadlock it.
const run = promisify(execFile);

interface List<T> {
  kind: string;
  items: T[];
}
interface TrafficSplit {
  metadata: { name: string };
  spec: { service: string; backends: { service: string; weight: number | string }[] };
}
interface HttpRoute {
  metadata: { name: string };
  spec: { rules: { backendRefs: { name: string; weight?: number }[] }[] };
}
interface Deployment {
  metadata: { name: string };
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
  status?: { readyReplicas?: number };
}

const image = (tag: string) => `ghcr.io/stefanprodan/podinfo:${tag}`;
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('kubectl sees what the rollout status says', () => {
  let dynamo: DynamoDbLocal;
  let stack: EmbeddedStack;
  let clock: FakeClock;
  let client: LocalClient;
  let dir: string;
  let kubeconfig: string;
  const ids = { podinfo: '', checkout: '' };

  async function kubectl<T = unknown>(context: string, ...args: string[]): Promise<T> {
    const { stdout } = await run(
      'kubectl',
      [
        '--kubeconfig',
        kubeconfig,
        '--context',
        context,
        '--cache-dir',
        path.join(dir, 'cache'),
        '--request-timeout',
        '20s',
        ...args,
      ],
      { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '', HOME: dir } },
    );
    return (args.includes('json') ? JSON.parse(stdout) : stdout) as T;
  }

  /** The Deployments of namespace `demo` as kubectl lists them (`-o json`). */
  const deploymentsOn = (context: string) =>
    kubectl<List<Deployment>>(context, 'get', 'deployments', '-n', 'demo', '-o', 'json');

  /** `weight` as kubectl prints it: an integer (v1alpha2+) or a quantity like `900m` (v1alpha1). */
  const weightOf = (w: number | string | undefined): number =>
    typeof w === 'string' && w.endsWith('m') ? Number(w.slice(0, -1)) / 1000 : Number(w ?? 1);

  /** Percentages from the backends' weights, as the mesh splits by them. */
  function percentages(backends: { name: string; weight: number }[], primary: string, canary: string) {
    const total = backends.reduce((sum, b) => sum + b.weight, 0);
    const share = (name: string) =>
      Math.round((100 * (backends.find((b) => b.name === name)?.weight ?? 0)) / total);
    return { primary: share(primary), canary: share(canary) };
  }

  async function splitWeights(): Promise<{ primary: number; canary: number }> {
    const list = await kubectl<List<TrafficSplit>>('sim', 'get', 'trafficsplits', '-n', 'demo', '-o', 'json');
    const split = list.items.find((s) => s.metadata.name === 'podinfo');
    expect(split?.spec.service).toBe('podinfo');
    const backends = (split?.spec.backends ?? []).map((b) => ({
      name: b.service,
      weight: weightOf(b.weight),
    }));
    return percentages(backends, 'podinfo-primary', 'podinfo-canary');
  }

  async function routeWeights(): Promise<{ primary: number; canary: number }> {
    const list = await kubectl<List<HttpRoute>>('edge', 'get', 'httproutes', '-n', 'demo', '-o', 'json');
    const route = list.items.find((r) => r.metadata.name === 'checkout');
    expect(route?.spec.rules).toHaveLength(1);
    const backends = (route?.spec.rules[0]?.backendRefs ?? []).map((b) => ({
      name: b.name,
      weight: b.weight ?? 1,
    }));
    return percentages(backends, 'checkout-primary', 'checkout-canary');
  }

  const fromStatus = (status: RolloutStatus) => ({
    primary: 100 - status.canaryWeight,
    canary: status.canaryWeight,
  });

  async function tick(): Promise<{ podinfo: RolloutStatus; checkout: RolloutStatus }> {
    clock.advance(30_000);
    await stack.tick();
    return { podinfo: await statusOf(client, ids.podinfo), checkout: await statusOf(client, ids.checkout) };
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'aviary-kubectl-e2e-'));
    kubeconfig = path.join(dir, 'kube', 'config');
    dynamo = await startDynamoDbLocal();
    ({ stack, clock, client } = await startTestStack(dynamo, { seed: 17, kubeconfigPath: kubeconfig }));
  });

  afterAll(async () => {
    await stack?.close();
    await dynamo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the kubeconfig written for the stack has a context per simulated cluster, owner-only', async () => {
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    const contexts = await kubectl<string>('sim', 'config', 'get-contexts', '-o', 'name');
    expect(contexts.trim().split('\n').sort()).toEqual(['edge', 'sim']);
    // Each context reaches its own API server.
    const simNodes = await kubectl<List<unknown>>('sim', 'get', 'namespaces', '-o', 'json');
    expect(simNodes.items.length).toBeGreaterThan(0);
    const edgeSplits = await kubectl<List<unknown>>(
      'edge',
      'get',
      'trafficsplits',
      '-n',
      'demo',
      '-o',
      'json',
    );
    expect(edgeSplits.items).toEqual([]);
  });

  it('before any rollout: 100/0 on both routers, the canary Deployment scaled to zero', async () => {
    expect(await splitWeights()).toEqual({ primary: 100, canary: 0 });
    expect(await routeWeights()).toEqual({ primary: 100, canary: 0 });
    const deployments = await deploymentsOn('sim');
    const canary = deployments.items.find((d) => d.metadata.name === 'podinfo-canary');
    expect(canary?.spec.replicas).toBe(0);
  });

  it('during the rollouts, at every step, the TrafficSplit and HTTPRoute kubectl prints match the status', async () => {
    for (const target of ['podinfo', 'checkout'] as const) {
      const response = await client.deploy({ target, revision: 'rev-651', image: image('6.5.1') });
      expect(response.status, JSON.stringify(response.body)).toBe(202);
      ids[target] = (response.body as { rollout: { id: string } }).rollout.id;
    }

    const seen = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const now = await tick();
      expect(now.podinfo.phase).not.toBe('failed');
      expect(now.checkout.phase).not.toBe('failed');
      expect(await splitWeights()).toEqual(fromStatus(now.podinfo));
      expect(await routeWeights()).toEqual(fromStatus(now.checkout));
      seen.add(now.podinfo.canaryWeight);
      if (now.podinfo.phase === 'awaiting_approval' && now.checkout.phase === 'awaiting_approval') break;
    }
    // It really was watched moving through the steps, not just at rest.
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 10, 25, 50]);
    expect(await splitWeights()).toEqual({ primary: 50, canary: 50 });
  });

  it('`kubectl get deployments` shows the canary running the rollout image beside the untouched primary', async () => {
    const status = await statusOf(client, ids.podinfo);
    const deployments = await deploymentsOn('sim');
    const byName = new Map(deployments.items.map((d) => [d.metadata.name, d]));
    const canary = byName.get('podinfo-canary');
    const primary = byName.get('podinfo-primary');
    expect(canary?.spec.template.spec.containers[0]?.image).toBe(status.image);
    expect(canary?.spec.replicas).toBeGreaterThan(0);
    expect(primary?.spec.template.spec.containers[0]?.image).toBe(SEED_IMAGE);

    // The human-readable wide table too: both Deployments, ready, with their images.
    const table = await kubectl<string>('sim', 'get', 'deployments', '-n', 'demo', '-o', 'wide');
    expect(table).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    const n = canary?.spec.replicas;
    expect(table).toMatch(
      new RegExp(
        `^podinfo-canary\\s+${n}/${n}\\s+${n}\\s+${n}\\s+\\S+\\s+\\S+\\s+${literal(status.image ?? '')}\\s`,
        'm',
      ),
    );
    expect(table).toMatch(
      new RegExp(
        `^podinfo-primary\\s+(\\d+)/\\1\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\S+\\s+${literal(SEED_IMAGE)}\\s`,
        'm',
      ),
    );

    // And on the other cluster, the checkout canary.
    const edgeDeployments = await deploymentsOn('edge');
    const checkoutCanary = edgeDeployments.items.find((d) => d.metadata.name === 'checkout-canary');
    expect(checkoutCanary?.spec.template.spec.containers[0]?.image).toBe(image('6.5.1'));
  });

  it('after an abort, kubectl shows the traffic back on the primary and the canary at zero', async () => {
    const aborted = await client.slash(`abort ${ids.checkout}`, 'U0AVIARY01');
    expect(aborted.status, JSON.stringify(aborted.body)).toBe(200);
    let status = await statusOf(client, ids.checkout);
    for (let i = 0; i < 6 && status.phase !== 'failed'; i++) status = (await tick()).checkout;
    expect(status.phase).toBe('failed');
    expect(await routeWeights()).toEqual({ primary: 100, canary: 0 });
    const edgeDeployments = await deploymentsOn('edge');
    expect(edgeDeployments.items.find((d) => d.metadata.name === 'checkout-canary')?.spec.replicas).toBe(0);
    // podinfo, on the other cluster, is still at its gate.
    expect(await splitWeights()).toEqual({ primary: 50, canary: 50 });
  });
});

import https from 'node:https';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClusterConnector } from '../../lib/cluster/create-connector.js';
import { KeepAliveAgents } from '../../lib/cluster/keep-alive-agents.js';
import { withRequestTimeout } from '../../lib/cluster/request-timeout.js';
import { ClusterSchema } from '../../lib/model/config.js';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';

const REQUESTS = 12;

let api: KubeApiDouble;
let other: KubeApiDouble;
beforeAll(async () => {
  [api, other] = await Promise.all([startKubeApiDouble(), startKubeApiDouble()]);
});
afterAll(async () => {
  await Promise.all([api.close(), other.close()]);
});

let agents: KeepAliveAgents;
afterEach(() => agents?.destroy());

async function listNamespaces(kc: KubeConfig, n: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  // One after the other, as a worker reads and writes one rollout after another.
  for (let i = 0; i < n; i++) {
    const list = await core.listNamespace();
    expect(list.items.map((ns) => ns.metadata?.name)).toContain('default');
  }
}

describe('one keep-alive agent per cluster', () => {
  it('the plain client opens a TLS connection per request (what the pool is for)', async () => {
    const before = api.tlsConnections();
    await listNamespaces(api.kubeConfig(), REQUESTS);
    expect(api.tlsConnections() - before).toBe(REQUESTS);
  });

  it('N requests through the connector reuse one connection', async () => {
    agents = new KeepAliveAgents();
    const before = api.tlsConnections();
    await listNamespaces(withRequestTimeout(api.kubeConfig(), 10_000, agents), REQUESTS);
    expect(api.tlsConnections() - before).toBe(1);
    expect(agents.size).toBe(1);
  });

  it('a KubeConfig built again for the next message (a warm invocation) keeps the connection', async () => {
    agents = new KeepAliveAgents();
    const before = api.tlsConnections();
    for (let i = 0; i < 3; i++) await listNamespaces(withRequestTimeout(api.kubeConfig(), 10_000, agents), 4);
    expect(api.tlsConnections() - before).toBe(1);
  });

  it('each cluster gets its own agent and connection', async () => {
    agents = new KeepAliveAgents();
    const [beforeA, beforeB] = [api.tlsConnections(), other.tlsConnections()];
    await listNamespaces(withRequestTimeout(api.kubeConfig(), 10_000, agents), 4);
    await listNamespaces(withRequestTimeout(other.kubeConfig(), 10_000, agents), 4);
    expect([api.tlsConnections() - beforeA, other.tlsConnections() - beforeB]).toEqual([1, 1]);
    expect(agents.size).toBe(2);
  });

  it('concurrent requests open only the connections they need at once, then reuse them', async () => {
    agents = new KeepAliveAgents();
    const kc = withRequestTimeout(api.kubeConfig(), 10_000, agents);
    const core = kc.makeApiClient(CoreV1Api);
    const before = api.tlsConnections();
    await Promise.all([core.listNamespace(), core.listNamespace(), core.listNamespace()]);
    const opened = api.tlsConnections() - before;
    expect(opened).toBeGreaterThanOrEqual(1);
    expect(opened).toBeLessThanOrEqual(3);
    await listNamespaces(kc, REQUESTS);
    expect(api.tlsConnections() - before).toBe(opened);
  });

  it('simulated clusters are reached through the pool by the cluster connector', async () => {
    const connector = createClusterConnector({ simulated: () => api.kubeConfig() });
    const cluster = ClusterSchema.parse({ kind: 'simulated' });
    const before = api.tlsConnections();
    await listNamespaces(await connector.kubeConfig('c1', cluster), REQUESTS);
    await listNamespaces(await connector.kubeConfig('c1', cluster), REQUESTS);
    expect(api.tlsConnections() - before).toBe(1);
  });

  it('another CA or client certificate for the same server is another agent', () => {
    agents = new KeepAliveAgents();
    const a = agents.agentFor('https://127.0.0.1:1', { ca: 'ca-1' });
    expect(agents.agentFor('https://127.0.0.1:1', { ca: 'ca-1' })).toBe(a);
    expect(agents.agentFor('https://127.0.0.1:1', { ca: 'ca-2' })).not.toBe(a);
    expect(agents.agentFor('https://127.0.0.1:1', { ca: 'ca-1', cert: 'c', key: 'k' })).not.toBe(a);
    expect(agents.agentFor('https://127.0.0.1:2', { ca: 'ca-1' })).not.toBe(a);
    expect(agents.size).toBe(4);
    expect(a).toBeInstanceOf(https.Agent);
    expect(a.options.keepAlive).toBe(true);
  });

  it('keeps at most `max` agents, closing the least recently used', () => {
    agents = new KeepAliveAgents(2);
    const a = agents.agentFor('https://a', {});
    const b = agents.agentFor('https://b', {});
    agents.agentFor('https://a', {});
    agents.agentFor('https://c', {});
    expect(agents.size).toBe(2);
    expect(agents.agentFor('https://a', {})).toBe(a);
    expect(agents.agentFor('https://b', {})).not.toBe(b);
  });
});

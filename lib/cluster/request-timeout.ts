import https from 'node:https';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { clusterAgents, type KeepAliveAgents } from './keep-alive-agents.js';

/**
 * A KubeConfig whose API calls (clients from `makeApiClient`) give up after `requestTimeoutMs`: one unreachable
 * cluster must fail fast instead of holding a Lambda until its own timeout. They also go through one keep-alive
 * agent per cluster instead of a new connection (and TLS handshake) per request. Watches and other streaming
 * calls go through `applyToFetchOptions` and are left alone.
 */
export class TimeoutKubeConfig extends KubeConfig {
  constructor(
    readonly requestTimeoutMs: number,
    private readonly agents: KeepAliveAgents = clusterAgents,
  ) {
    super();
    if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
      throw new Error(`request timeout must be a positive number of milliseconds, got ${requestTimeoutMs}`);
    }
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
    // The client built a fresh agent with this request's TLS options; use the cluster's pooled one instead.
    // Proxied clusters keep the client's proxy agent.
    const cluster = this.getCurrentCluster();
    const built = context.getAgent();
    if (cluster && !cluster.proxyUrl && cluster.server.startsWith('https:') && built instanceof https.Agent)
      context.setAgent(this.agents.agentFor(cluster.server, built.options));
  }
}

/** The same clusters, users and contexts, with a per-request timeout. Custom authenticators are not carried over. */
export function withRequestTimeout(
  source: KubeConfig,
  timeoutMs: number,
  agents?: KeepAliveAgents,
): TimeoutKubeConfig {
  const kc = new TimeoutKubeConfig(timeoutMs, agents);
  kc.loadFromOptions({
    clusters: source.getClusters(),
    users: source.getUsers(),
    contexts: source.getContexts(),
    currentContext: source.getCurrentContext(),
  });
  return kc;
}

import { createHash } from 'node:crypto';
import https from 'node:https';

/** Idle connections are closed after this long: an API server or a load balancer may drop them first. */
const IDLE_SOCKET_TIMEOUT_MS = 30_000;

/**
 * One keep-alive HTTPS agent per cluster endpoint and TLS identity (server, CA, client certificate, verification),
 * kept for the life of the container. `@kubernetes/client-node` builds a new agent for every request, so each
 * call to a cluster pays a TCP and TLS handshake (a round trip or two more across regions, and the CPU of the
 * handshake); with one agent per cluster the requests of a tick, and of the next warm invocation, reuse its
 * connections. Credentials rotated into a new certificate get a new agent; the oldest agents are closed once
 * more than `max` are kept.
 */
export class KeepAliveAgents {
  private readonly agents = new Map<string, https.Agent>();

  constructor(private readonly max = 64) {}

  /** The pooled agent for `server` with these TLS options (those of the agent the client would have built). */
  agentFor(server: string, options: https.AgentOptions): https.Agent {
    const key = identity(server, options);
    const known = this.agents.get(key);
    if (known) {
      // Most recently used last, so the oldest is evicted first.
      this.agents.delete(key);
      this.agents.set(key, known);
      return known;
    }
    const agent = new https.Agent({ ...options, keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS });
    this.agents.set(key, agent);
    for (const [oldKey, old] of this.agents) {
      if (this.agents.size <= this.max) break;
      this.agents.delete(oldKey);
      old.destroy();
    }
    return agent;
  }

  get size(): number {
    return this.agents.size;
  }

  /** Closes every pooled connection (tests, and the local stack on shutdown). */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

function identity(server: string, options: https.AgentOptions): string {
  const hash = createHash('sha256');
  for (const part of [
    server,
    pem(options.ca),
    pem(options.cert),
    pem(options.key),
    pem(options.pfx),
    String(options.passphrase ?? ''),
    String(options.rejectUnauthorized ?? ''),
    String(options.servername ?? ''),
  ]) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex');
}

function pem(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(pem).join('\n');
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'string') return value;
  // A KeyObject-like value ({pem, passphrase}): its parts, in a stable form.
  return JSON.stringify(value);
}

/** The container's pool: Lambda keeps it warm across invocations. */
export const clusterAgents = new KeepAliveAgents();

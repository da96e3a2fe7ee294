import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { notFound, serviceUnavailable } from './status.js';

/** A request as it leaves the API server's service proxy: the path below the service, without credentials. */
export interface ProxyRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ProxyResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Uint8Array;
}

export type ProxyHandler = (request: ProxyRequest) => Promise<ProxyResponse> | ProxyResponse;

export interface ServicePortRef {
  name?: string;
  port: number;
}

interface Registration {
  port: string;
  handler: ProxyHandler;
}

const SERVICES = { group: '', plural: 'services' };

/**
 * `/api/v1/namespaces/{ns}/services/{[scheme:]name[:port]}/proxy/{path}` → the handler registered for that
 * service and port. Ports match by number or by the name the Service object gives them.
 */
export class ServiceProxy {
  private readonly registrations = new Map<string, Registration[]>();

  constructor(private readonly servicePorts: (namespace: string, service: string) => ServicePortRef[]) {}

  set(namespace: string, service: string, port: string | number, handler: ProxyHandler): void {
    const key = `${namespace}/${service}`;
    const others = (this.registrations.get(key) ?? []).filter((r) => r.port !== String(port));
    this.registrations.set(key, [...others, { port: String(port), handler }]);
  }

  async handle(
    namespace: string,
    serviceSegment: string,
    request: ProxyRequest,
    res: ServerResponse,
  ): Promise<void> {
    const { service, port } = parseServiceSegment(serviceSegment);
    const handler = this.resolve(namespace, service, port);
    if (handler === undefined) throw notFound(SERVICES, service);
    let response: ProxyResponse;
    try {
      response = await handler(request);
    } catch (error) {
      throw serviceUnavailable(`error trying to reach service: ${(error as Error).message}`);
    }
    const body = typeof response.body === 'string' ? Buffer.from(response.body) : Buffer.from(response.body);
    res.writeHead(response.status, { ...response.headers, 'Content-Length': body.length });
    res.end(body);
  }

  private resolve(namespace: string, service: string, port: string): ProxyHandler | undefined {
    const registrations = this.registrations.get(`${namespace}/${service}`) ?? [];
    if (port === '') return registrations[0]?.handler;
    const aliases = new Set([port]);
    for (const p of this.servicePorts(namespace, service)) {
      if (p.name === port) aliases.add(String(p.port));
      if (String(p.port) === port && p.name !== undefined) aliases.add(p.name);
    }
    return registrations.find((r) => aliases.has(r.port))?.handler;
  }
}

/** `name`, `name:port` or `scheme:name:port`. */
function parseServiceSegment(segment: string): { service: string; port: string } {
  const parts = segment.split(':');
  if (parts.length === 3) return { service: parts[1] ?? '', port: parts[2] ?? '' };
  return { service: parts[0] ?? '', port: parts[1] ?? '' };
}

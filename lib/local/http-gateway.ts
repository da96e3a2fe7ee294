import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { localLambdaContext } from './lambda-context.js';

export type GatewayHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2 | undefined>;

export interface GatewayRoute {
  /** An HTTP method, or `ANY`. */
  method: string;
  /** API Gateway route path: `/rollouts/{id}`, `/files/{path+}`. */
  path: string;
  handler: GatewayHandler;
  /** Lambda function name shown in the context; defaults to one derived from the path. */
  name?: string;
}

export interface HttpGatewayOptions {
  port?: number;
  host?: string;
  routes: GatewayRoute[];
  /** API Gateway's own payload limit. */
  maxBodyBytes?: number;
  /** Lambda timeout reported by `context.getRemainingTimeInMillis()`. */
  timeoutMs?: number;
}

export interface HttpGateway {
  url: string;
  close(): Promise<void>;
}

const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface CompiledRoute extends GatewayRoute {
  routeKey: string;
  segments: string[];
  literals: number;
}

/**
 * API Gateway HTTP API on loopback: turns each request into a payload 2.0 event the way AWS does (lowercased
 * headers joined with commas, cookies split out, `queryStringParameters` joined with commas, non-text bodies
 * base64-encoded) and writes the handler's result back, inferring the format as AWS does.
 */
export async function startHttpGateway(options: HttpGatewayOptions): Promise<HttpGateway> {
  const routes = options.routes
    .map(compile)
    // The most specific route wins, as in API Gateway: more literal segments first, greedy paths last.
    .sort((a, b) => b.literals - a.literals || b.segments.length - a.segments.length);
  const maxBody = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const server = createServer((req, res) => {
    serve(req, res).catch(() => send(res, 500, { message: 'Internal Server Error' }));
  });

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const rawQueryString = queryAt === -1 ? '' : target.slice(queryAt + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    const match = matchRoute(routes, method, rawPath);
    const body = await readBody(req, maxBody);
    if (!match) return send(res, 404, { message: 'Not Found' });
    if (body === null) return send(res, 413, { message: 'Request Entity Too Large' });
    const event = toEvent({
      req,
      method,
      rawPath,
      rawQueryString,
      body,
      route: match.route,
      params: match.params,
    });
    const context = lambdaContext(match.route, timeoutMs);
    let result: APIGatewayProxyResultV2 | undefined;
    try {
      result = await match.route.handler(event, context);
    } catch {
      return send(res, 500, { message: 'Internal Server Error' });
    }
    writeResult(res, result);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function compile(route: GatewayRoute): CompiledRoute {
  const method = route.method.toUpperCase();
  const segments = route.path.split('/').filter(Boolean);
  const greedy = segments.findIndex((s) => /^\{[^}]+\+\}$/.test(s));
  if (greedy !== -1 && greedy !== segments.length - 1) {
    throw new Error(`route ${route.path}: a greedy {name+} parameter must be the last segment`);
  }
  return {
    ...route,
    method,
    routeKey: `${method} ${route.path}`,
    segments,
    literals: segments.filter((s) => !s.startsWith('{')).length,
  };
}

function matchRoute(
  routes: CompiledRoute[],
  method: string,
  rawPath: string,
): { route: CompiledRoute; params: Record<string, string> } | null {
  const parts = rawPath.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== 'ANY' && route.method !== method) continue;
    const params = matchSegments(route.segments, parts);
    if (params) return { route, params };
  }
  return null;
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const greedy = /^\{(.+)\+\}$/.exec(segment);
    if (greedy?.[1]) {
      if (parts.length <= i) return null;
      params[greedy[1]] = decode(parts.slice(i).join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined) return null;
    const param = /^\{(.+)\}$/.exec(segment);
    if (param?.[1]) params[param[1]] = decode(part);
    else if (segment !== part) return null;
  }
  return parts.length === segments.length ? params : null;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Media types API Gateway passes through as text; everything else (forms included) arrives base64-encoded. */
function isTextMediaType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type) return false;
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

interface EventInput {
  req: IncomingMessage;
  method: string;
  rawPath: string;
  rawQueryString: string;
  body: Buffer;
  route: CompiledRoute;
  params: Record<string, string>;
}

function toEvent({
  req,
  method,
  rawPath,
  rawQueryString,
  body,
  route,
  params,
}: EventInput): APIGatewayProxyEventV2 {
  // No prototype: a header or parameter may be called `__proto__` or `constructor`, and must arrive as sent.
  const headers = Object.create(null) as Record<string, string>;
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    const value = req.rawHeaders[i + 1] as string;
    if (name === 'cookie')
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    else headers[name] = Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value;
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const localPort = req.socket.localPort ?? 0;
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-port'] = String(localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const query = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    query[key] = Object.hasOwn(query, key) ? `${query[key]},${value}` : value;
  }
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  const now = new Date();
  const textBody = isTextMediaType(headers['content-type']);

  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomBytes(10).toString('base64'),
      routeKey: route.routeKey,
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
    ...(body.length > 0 ? { body: textBody ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textBody,
  };
}

/** API Gateway's `requestContext.time`: `12/Mar/2020:19:03:58 +0000`. */
function formatRequestTime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
}

function lambdaContext(route: CompiledRoute, timeoutMs: number): Context {
  const name = route.name ?? `aviary-local${route.path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;
  return localLambdaContext(name, timeoutMs);
}

/** Payload 2.0 response rules: a result without `statusCode` is a 200 JSON body. */
function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2 | undefined): void {
  if (result === undefined || result === null) {
    send(res, 200, null);
    return;
  }
  if (typeof result === 'string') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(result);
    return;
  }
  if (typeof result !== 'object' || !('statusCode' in result) || result.statusCode === undefined) {
    send(res, 200, result);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? '' : result.body;
  res.writeHead(result.statusCode, headers);
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The body, or null once it exceeds `limit` (the rest is drained, not buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

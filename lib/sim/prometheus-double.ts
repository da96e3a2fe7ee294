import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A workload's traffic over a window, as the simulated mesh saw it. */
export interface SimulatedTraffic {
  successCount: number;
  failureCount: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /**
   * Requests per latency bucket (non-cumulative; the last count is above every bound), when the simulated proxies
   * export the histogram; without it the double has no bucket series for the workload.
   */
  latencyHistogram?: { boundsMs: readonly number[]; counts: readonly number[] } | undefined;
}

/**
 * Answers for one workload and window; null means Prometheus has no series for it. `time` is the query's
 * evaluation instant (unix seconds): queries at the same instant see the same traffic, as they would in Prometheus.
 */
export type PrometheusDoubleProvider = (query: {
  namespace: string;
  deployment: string;
  windowSeconds: number;
  time: number;
}) => SimulatedTraffic | null | Promise<SimulatedTraffic | null>;

/** A request as the Kubernetes API double's service proxy hands it over (and as the HTTP server builds it). */
export interface ProxiedRequest {
  method: string;
  /** Path below the service, e.g. `/api/v1/query`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>;
  body?: string | Uint8Array | null;
}

export interface ProxiedResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface RecordedQuery {
  method: string;
  path: string;
  /** The PromQL expression, or null when the request had none. */
  query: string | null;
  /** Evaluation time in unix seconds. */
  time: number | null;
  headers: Record<string, string | string[] | undefined>;
}

export interface PrometheusDoubleOptions {
  provider: PrometheusDoubleProvider;
  /** When set, requests must carry `Authorization: Bearer <token>` (else 401). */
  token?: string;
  /** Unix seconds used when a query has no `time`. */
  now?: () => number;
}

export interface PrometheusHandler {
  handle(req: ProxiedRequest): Promise<ProxiedResponse>;
  requests: RecordedQuery[];
}

export interface PrometheusDouble extends PrometheusHandler {
  /** Base URL (`http://127.0.0.1:<port>`); the API lives at `${url}/api/v1/query`. */
  url: string;
  close(): Promise<void>;
}

type Matcher = { label: string; op: '=' | '!=' | '=~' | '!~'; value: string };
type ParsedQuery =
  | { kind: 'counts'; matchers: Matcher[]; windowSeconds: number }
  | { kind: 'buckets'; matchers: Matcher[]; windowSeconds: number }
  | { kind: 'quantile'; quantile: number; matchers: Matcher[]; windowSeconds: number };

class BadQuery extends Error {}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Prometheus's instant-query API (`/api/v1/query`, GET or POST form) for the few PromQL shapes Aviary's Linkerd
 * queries take, answering from `provider` in Prometheus's own JSON shape. Without a server: mount `handle` on the
 * Kubernetes API double's service proxy.
 */
export function createPrometheusHandler(options: PrometheusDoubleOptions): PrometheusHandler {
  const requests: RecordedQuery[] = [];
  const now = options.now ?? (() => Date.now() / 1000);

  const handle = async (req: ProxiedRequest): Promise<ProxiedResponse> => {
    const params = new URLSearchParams(req.query);
    const contentType = String(header(req.headers, 'content-type') ?? '');
    if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded') && req.body) {
      const form = new URLSearchParams(
        typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('utf8'),
      );
      // Like Go's r.FormValue: body values come before URL values.
      for (const [k, v] of form) params.set(k, v);
    }
    const query = params.get('query');
    const timeText = params.get('time');
    const time = timeText === null ? now() : parseTime(timeText);
    requests.push({ method: req.method, path: req.path, query, time, headers: { ...req.headers } });

    if (!req.path.endsWith('/api/v1/query'))
      return { status: 404, headers: { 'content-type': 'text/plain' }, body: '404 page not found\n' };
    if (req.method !== 'GET' && req.method !== 'POST') {
      return { status: 405, headers: { 'content-type': 'text/plain' }, body: 'Method Not Allowed\n' };
    }
    if (options.token !== undefined && header(req.headers, 'authorization') !== `Bearer ${options.token}`) {
      return { status: 401, headers: { 'content-type': 'text/plain' }, body: 'Unauthorized\n' };
    }
    if (time === null)
      return badData(`invalid parameter "time": cannot parse "${timeText}" to a valid timestamp`);
    if (query === null || query.trim() === '')
      return badData('invalid parameter "query": 1:1: parse error: no expression found in input');

    let parsed: ParsedQuery;
    try {
      parsed = parsePromQL(query);
    } catch (error) {
      if (error instanceof BadQuery) return badData(`invalid parameter "query": ${error.message}`);
      throw error;
    }
    const namespace = exactLabel(parsed.matchers, 'namespace');
    const deployment = exactLabel(parsed.matchers, 'deployment');
    if (namespace === null || deployment === null) {
      return badData(
        'invalid parameter "query": this Prometheus double needs namespace="..." and deployment="..." matchers',
      );
    }
    let traffic: SimulatedTraffic | null;
    try {
      traffic = await options.provider({ namespace, deployment, windowSeconds: parsed.windowSeconds, time });
    } catch (error) {
      return json(422, { status: 'error', errorType: 'execution', error: (error as Error).message });
    }
    const series = { namespace, deployment, direction: 'inbound' };
    const result: { metric: Record<string, string>; value: [number, string] }[] = [];
    if (traffic !== null && parsed.kind === 'counts') {
      for (const [classification, count] of [
        ['success', traffic.successCount],
        ['failure', traffic.failureCount],
      ] as const) {
        if (matches(parsed.matchers, { ...series, classification })) {
          result.push({ metric: { classification }, value: [time, formatValue(count)] });
        }
      }
    }
    if (traffic?.latencyHistogram && parsed.kind === 'buckets' && matches(parsed.matchers, series)) {
      // Written out as the proxy exports them: cumulative counts, one series per bound, `le` as an integer.
      const { boundsMs, counts } = traffic.latencyHistogram;
      let cumulative = 0;
      counts.forEach((count, i) => {
        cumulative += count;
        const bound = boundsMs[i];
        const le = bound === undefined ? '+Inf' : String(bound);
        result.push({ metric: { le }, value: [time, formatValue(cumulative)] });
      });
    }
    if (traffic !== null && parsed.kind === 'quantile' && matches(parsed.matchers, series)) {
      const requestsSeen = traffic.successCount + traffic.failureCount;
      const ms = parsed.quantile === 0.5 ? traffic.p50Ms : traffic.p99Ms;
      // histogram_quantile over buckets that did not move is NaN, not an empty result.
      result.push({ metric: {}, value: [time, requestsSeen > 0 && ms !== null ? formatValue(ms) : 'NaN'] });
    }
    return json(200, { status: 'success', data: { resultType: 'vector', result } });
  };

  return { handle, requests };
}

/** Starts the double on a free loopback port. */
export async function startPrometheusDouble(options: PrometheusDoubleOptions): Promise<PrometheusDouble> {
  const handler = createPrometheusHandler(options);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      handler
        .handle({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks),
        })
        .then(
          (out) => {
            res.writeHead(out.status, out.headers ?? {});
            res.end(out.body);
          },
          (error: Error) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(`${error.message}\n`);
          },
        );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...handler,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * The three shapes, with or without spaces, `by` before or after the aggregation:
 * `sum by (classification) (increase(response_total{…}[60s]))`,
 * `sum by (le) (increase(response_latency_ms_bucket{…}[60s]))` and
 * `histogram_quantile(0.99, sum by (le) (rate(response_latency_ms_bucket{…}[60s])))`.
 */
export function parsePromQL(query: string): ParsedQuery {
  const q = stripSpaces(query);
  const counts =
    /^sum(?:by\(classification\))?\(increase\(response_total\{(.*)\}\[([^\]]+)\]\)\)(?:by\(classification\))?$/.exec(
      q,
    );
  if (counts) {
    return {
      kind: 'counts',
      matchers: parseSelector(counts[1] ?? ''),
      windowSeconds: parseDuration(counts[2] ?? ''),
    };
  }
  const buckets =
    /^sum(?:by\(le\))?\(increase\(response_latency_ms_bucket\{(.*)\}\[([^\]]+)\]\)\)(?:by\(le\))?$/.exec(q);
  if (buckets) {
    return {
      kind: 'buckets',
      matchers: parseSelector(buckets[1] ?? ''),
      windowSeconds: parseDuration(buckets[2] ?? ''),
    };
  }
  const quantile =
    /^histogram_quantile\(([0-9.]+),sum(?:by\(le\))?\(rate\(response_latency_ms_bucket\{(.*)\}\[([^\]]+)\]\)\)(?:by\(le\))?\)$/.exec(
      q,
    );
  if (quantile) {
    const phi = Number(quantile[1]);
    if (phi !== 0.5 && phi !== 0.99)
      throw new BadQuery(`quantile ${quantile[1]} is not simulated (only 0.5 and 0.99)`);
    return {
      kind: 'quantile',
      quantile: phi,
      matchers: parseSelector(quantile[2] ?? ''),
      windowSeconds: parseDuration(quantile[3] ?? ''),
    };
  }
  throw new BadQuery(`1:1: parse error: unsupported expression ${JSON.stringify(query)}`);
}

function stripSpaces(query: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i] ?? '';
    if (quoted) {
      out += c;
      if (c === '\\') out += query[++i] ?? '';
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
      out += c;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  if (quoted) throw new BadQuery('parse error: unterminated quoted string');
  return out;
}

function parseSelector(body: string): Matcher[] {
  const matchers: Matcher[] = [];
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"((?:[^"\\]|\\.)*)"(,|$)/y;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const m = re.exec(body);
    if (!m) throw new BadQuery(`parse error: unexpected character in label matchers at "${body.slice(at)}"`);
    matchers.push({
      label: m[1] ?? '',
      op: m[2] as Matcher['op'],
      value: JSON.parse(`"${m[3] ?? ''}"`) as string,
    });
    at = re.lastIndex;
  }
  return matchers;
}

function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new BadQuery(`parse error: bad duration "${text}"`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(m[1]) * unit;
  if (seconds <= 0) throw new BadQuery(`parse error: range must be positive, got "${text}"`);
  return seconds;
}

function exactLabel(matchers: Matcher[], label: string): string | null {
  return matchers.find((m) => m.label === label && m.op === '=')?.value ?? null;
}

/** Prometheus semantics: a matcher on a label the series lacks compares against "". */
function matches(matchers: Matcher[], labels: Record<string, string>): boolean {
  return matchers.every((m) => {
    const actual = labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        return actual === m.value;
      case '!=':
        return actual !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(actual);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(actual);
      default:
        return false;
    }
  });
}

function parseTime(text: string): number | null {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms / 1000;
}

function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

function header(headers: ProxiedRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function badData(error: string): ProxiedResponse {
  return json(400, { status: 'error', errorType: 'bad_data', error });
}

function json(status: number, body: unknown): ProxiedResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusResponseSchema } from '../../lib/metrics/prometheus-response.js';
import {
  createPrometheusHandler,
  type PrometheusDouble,
  type PrometheusDoubleProvider,
  startPrometheusDouble,
} from '../../lib/sim/prometheus-double.js';

const COUNTS =
  'sum by (classification) (increase(response_total{namespace="shop",deployment="cart",direction="inbound"}[2m]))';
const P99 =
  'histogram_quantile(0.99, sum by (le) (rate(response_latency_ms_bucket{namespace="shop",deployment="cart",direction="inbound"}[2m])))';

const seen: { namespace: string; deployment: string; windowSeconds: number; time: number }[] = [];
const provider: PrometheusDoubleProvider = (q) => {
  seen.push(q);
  if (q.deployment === 'cart') return { successCount: 120, failureCount: 3, p50Ms: 12, p99Ms: 250 };
  if (q.deployment === 'timed')
    return {
      successCount: 60,
      failureCount: 0,
      p50Ms: 30,
      p99Ms: 95,
      latencyHistogram: { boundsMs: [10, 50, 100], counts: [10, 30, 15, 5] },
    };
  if (q.deployment === 'idle') return { successCount: 0, failureCount: 0, p50Ms: null, p99Ms: null };
  return null;
};

let prom: PrometheusDouble | undefined;
afterEach(async () => {
  await prom?.close();
  prom = undefined;
  seen.length = 0;
});

async function get(query: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${prom?.url}/api/v1/query?${new URLSearchParams({ query, ...extra })}`, {
    headers,
  });
  return { status: res.status, text: await res.text() };
}

describe('Prometheus double over HTTP', () => {
  it('answers a counts query (GET) in the real Prometheus JSON shape', async () => {
    prom = await startPrometheusDouble({ provider });
    const res = await get(COUNTS, { time: '1700000000.5' });
    expect(res.status).toBe(200);
    const body = PrometheusResponseSchema.parse(JSON.parse(res.text));
    expect(body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { classification: 'success' }, value: [1700000000.5, '120'] },
          { metric: { classification: 'failure' }, value: [1700000000.5, '3'] },
        ],
      },
    });
    expect(seen).toEqual([{ namespace: 'shop', deployment: 'cart', windowSeconds: 120, time: 1700000000.5 }]);
    expect(prom.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/v1/query',
      query: COUNTS,
      time: 1700000000.5,
    });
  });

  it('answers a quantile query sent as a POST form', async () => {
    prom = await startPrometheusDouble({ provider });
    const res = await fetch(`${prom.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: P99, time: '1700000100' }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1700000100, '250'] }] },
    });
  });

  it('gives "NaN" for a quantile without requests and an empty vector without series', async () => {
    prom = await startPrometheusDouble({ provider });
    const idle = JSON.parse((await get(P99.replace('cart', 'idle'), { time: '10' })).text);
    expect(idle.data.result).toEqual([{ metric: {}, value: [10, 'NaN'] }]);
    const none = JSON.parse((await get(COUNTS.replace('cart', 'ghost'))).text);
    expect(none).toEqual({ status: 'success', data: { resultType: 'vector', result: [] } });
  });

  it('evaluates matchers: classification filters, other directions have no series, Flagger-style `by` after', async () => {
    prom = await startPrometheusDouble({ provider });
    const failures = JSON.parse(
      (await get(COUNTS.replace('direction="inbound"', 'direction="inbound",classification="failure"'))).text,
    );
    expect(failures.data.result).toEqual([
      { metric: { classification: 'failure' }, value: [expect.any(Number), '3'] },
    ]);
    const notFailure = JSON.parse(
      (await get(COUNTS.replace('direction="inbound"', 'classification!~"fail.*"'))).text,
    );
    expect(
      notFailure.data.result.map((r: { metric: { classification: string } }) => r.metric.classification),
    ).toEqual(['success']);
    const outbound = JSON.parse((await get(COUNTS.replace('inbound', 'outbound'))).text);
    expect(outbound.data.result).toEqual([]);
    const flaggerStyle = JSON.parse(
      (
        await get(
          'sum(increase(response_total{ namespace = "shop", deployment="cart" }[1m])) by (classification)',
        )
      ).text,
    );
    expect(flaggerStyle.data.result).toHaveLength(2);
    expect(seen.at(-1)).toMatchObject({ namespace: 'shop', deployment: 'cart', windowSeconds: 60 });
  });

  it('serves the latency buckets as cumulative series by le, +Inf last, when the proxies export them', async () => {
    prom = await startPrometheusDouble({ provider });
    const BUCKETS = COUNTS.replace(
      'sum by (classification) (increase(response_total',
      'sum by (le) (increase(response_latency_ms_bucket',
    );
    const timed = JSON.parse((await get(BUCKETS.replace('cart', 'timed'), { time: '5' })).text);
    expect(timed.data.result).toEqual([
      { metric: { le: '10' }, value: [5, '10'] },
      { metric: { le: '50' }, value: [5, '40'] },
      { metric: { le: '100' }, value: [5, '55'] },
      { metric: { le: '+Inf' }, value: [5, '60'] },
    ]);
    // Flagger's spelling (`by` after) is the same query; a workload whose traffic has no histogram has no series.
    const after = JSON.parse(
      (
        await get(
          'sum(increase(response_latency_ms_bucket{namespace="shop",deployment="timed"}[2m])) by (le)',
        )
      ).text,
    );
    expect(after.data.result).toHaveLength(4);
    const none = JSON.parse((await get(BUCKETS)).text);
    expect(none.data.result).toEqual([]);
  });

  it('rejects unparseable queries with 400 bad_data', async () => {
    prom = await startPrometheusDouble({ provider });
    for (const query of [
      'up',
      'sum by (classification) (increase(response_total{namespace="shop"}[1m]))',
      'histogram_quantile(0.95, sum by (le) (rate(response_latency_ms_bucket{namespace="shop",deployment="cart"}[1m])))',
      'sum by (classification) (increase(response_total{namespace="shop",deployment="cart"}[soon]))',
      'sum by (classification) (increase(response_total{namespace="shop",deployment=cart}[1m]))',
    ]) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      const body = PrometheusResponseSchema.parse(JSON.parse(res.text));
      expect(body).toMatchObject({ status: 'error', errorType: 'bad_data' });
      if (body.status === 'error') expect(body.error).toMatch(/^invalid parameter "query": /);
    }
    const badTime = await get(COUNTS, { time: 'yesterday' });
    expect(badTime.status).toBe(400);
    expect(JSON.parse(badTime.text).error).toBe(
      'invalid parameter "time": cannot parse "yesterday" to a valid timestamp',
    );
    expect(seen).toEqual([]);
  });

  it('rejects a wrong or missing bearer token with 401', async () => {
    prom = await startPrometheusDouble({ provider, token: 'right' });
    expect((await get(COUNTS, {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(COUNTS)).status).toBe(401);
    expect((await get(COUNTS, {}, { authorization: 'Bearer right' })).status).toBe(200);
  });

  it('serves only /api/v1/query, with GET or POST', async () => {
    prom = await startPrometheusDouble({ provider });
    expect((await fetch(`${prom.url}/api/v1/series`)).status).toBe(404);
    expect((await fetch(`${prom.url}/api/v1/query?query=up`, { method: 'PUT' })).status).toBe(405);
  });
});

describe('Prometheus double as a service-proxy handler', () => {
  it('answers proxied requests without a server, GET and POST bodies alike', async () => {
    const handler = createPrometheusHandler({ provider, now: () => 42 });
    const viaGet = await handler.handle({
      method: 'GET',
      path: '/api/v1/query',
      query: new URLSearchParams({ query: P99 }),
      headers: {},
    });
    expect(viaGet.status).toBe(200);
    expect(JSON.parse(viaGet.body).data.result).toEqual([{ metric: {}, value: [42, '250'] }]);

    const viaPost = await handler.handle({
      method: 'POST',
      path: '/api/v1/query',
      query: new URLSearchParams(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(new URLSearchParams({ query: COUNTS, time: '7' }).toString()),
    });
    expect(JSON.parse(viaPost.body).data.result).toHaveLength(2);
    expect(handler.requests.map((r) => [r.method, r.time])).toEqual([
      ['GET', 42],
      ['POST', 7],
    ]);
  });
});

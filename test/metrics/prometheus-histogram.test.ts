import { describe, expect, it } from 'vitest';
import { latencyHistogramFrom } from '../../lib/metrics/prometheus-histogram.js';
import { parseVectorResponse } from '../../lib/metrics/prometheus-response.js';
import { latencyBucketQuery } from '../../lib/metrics/promql-linkerd.js';

/**
 * An instant-query answer in the documented shape of Prometheus's HTTP API (`GET /api/v1/query`):
 * `{"status":"success","data":{"resultType":"vector","result":[{"metric":{…},"value":[<unix time>,"<value>"]}]}}`,
 * sample values as strings. `sum by (le)` keeps only the `le` label.
 */
function answer(buckets: [le: string, value: string][]): string {
  return JSON.stringify({
    status: 'success',
    data: {
      resultType: 'vector',
      result: buckets.map(([le, value]) => ({ metric: { le }, value: [1_746_093_600.123, value] })),
    },
  });
}

const read = (buckets: [string, string][]) =>
  latencyHistogramFrom(parseVectorResponse(200, answer(buckets), 'buckets'));

describe('Linkerd latency buckets from a Prometheus instant query', () => {
  it('queries the increase of every bucket over the window, summed by le', () => {
    expect(latencyBucketQuery({ namespace: 'shop', deployment: 'cart-canary' }, 60)).toBe(
      'sum by (le) (increase(response_latency_ms_bucket{namespace="shop",deployment="cart-canary",direction="inbound"}[60s]))',
    );
  });

  it('turns cumulative samples, in any order, into requests per bucket', () => {
    // 10 requests ≤ 10 ms, 30 more ≤ 50 ms, 15 more ≤ 100 ms, 5 above every bound.
    const reading = read([
      ['100', '55'],
      ['+Inf', '60'],
      ['10', '10'],
      ['50', '40'],
    ]);
    expect(reading).toEqual({
      kind: 'histogram',
      histogram: { boundsMs: [10, 50, 100], counts: [10, 30, 15, 5] },
    });
  });

  it('rounds the fractional counts increase() extrapolates, keeping the total', () => {
    const reading = read([
      ['10', '9.6'],
      ['50', '40.4'],
      ['100', '55.2'],
      ['+Inf', '60.49'],
    ]);
    expect(reading).toEqual({
      kind: 'histogram',
      histogram: { boundsMs: [10, 50, 100], counts: [10, 30, 15, 5] },
    });
  });

  it('reads le as a number: "50" from one exporter and "50.0" from a Prometheus 3 are one bucket', () => {
    const reading = read([
      ['10', '4'],
      ['10.0', '6'],
      ['50', '15'],
      ['50.0', '25'],
      ['+Inf', '60'],
    ]);
    expect(reading).toEqual({ kind: 'histogram', histogram: { boundsMs: [10, 50], counts: [10, 30, 20] } });
  });

  it('holds a dip of less than a request (extrapolation noise) at the running maximum', () => {
    const reading = read([
      ['10', '10.4'],
      ['50', '9.6'],
      ['+Inf', '12'],
    ]);
    expect(reading).toEqual({ kind: 'histogram', histogram: { boundsMs: [10, 50], counts: [10, 0, 2] } });
  });

  it('has no histogram when there are no bucket series', () => {
    expect(read([])).toEqual({ kind: 'absent' });
  });

  it.each([
    [
      'no +Inf bucket',
      [
        ['10', '3'],
        ['50', '9'],
      ],
      /no le="\+Inf" bucket/,
    ],
    [
      'a NaN count',
      [
        ['10', 'NaN'],
        ['+Inf', '9'],
      ],
      /le="10" has a NaN or infinite count/,
    ],
    [
      'a +Inf count',
      [
        ['10', '+Inf'],
        ['+Inf', '9'],
      ],
      /le="10" has a NaN or infinite count/,
    ],
    [
      'counts that fall (a counter reset inside the window)',
      [
        ['10', '40'],
        ['50', '12'],
        ['+Inf', '60'],
      ],
      /fall from 40 at le="10" to 12 at le="50"/,
    ],
    [
      'an le that is not a number',
      [
        ['fast', '3'],
        ['+Inf', '9'],
      ],
      /le="fast" is not a positive number/,
    ],
    ['only the +Inf bucket', [['+Inf', '9']], /no finite bound/],
  ] as [string, [string, string][], RegExp][])('is unusable, saying why, with %s', (_, buckets, reason) => {
    const reading = read(buckets);
    expect(reading.kind).toBe('unusable');
    if (reading.kind === 'unusable') expect(reading.reason).toMatch(reason);
  });

  it('is unusable when a sample has no le label at all', () => {
    const body = JSON.stringify({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1, '5'] }] },
    });
    expect(latencyHistogramFrom(parseVectorResponse(200, body, 'buckets'))).toEqual({
      kind: 'unusable',
      reason: 'a bucket sample has no le label',
    });
  });
});

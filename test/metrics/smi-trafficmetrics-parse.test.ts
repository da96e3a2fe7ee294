import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../lib/metrics/go-duration.js';
import {
  parseTrafficMetrics,
  parseTrafficMetricsList,
  TrafficMetricsFormatError,
} from '../../lib/metrics/smi-trafficmetrics-parse.js';
import { readJsonVector } from '../support/vectors.js';

const what = 'SMI traffic metrics of Deployment prod/web';

/** The smi-metrics wire shape for one Deployment (no `edge.side`, `ms`, milli-quantities, window as Go duration). */
const wire = (metrics: { name: string; unit?: string; value: string | number }[], window = '1m0s') => ({
  kind: 'TrafficMetrics',
  apiVersion: 'metrics.smi-spec.io/v1alpha1',
  metadata: { name: 'web', namespace: 'prod', creationTimestamp: '2019-06-17T14:51:57Z' },
  timestamp: '2019-06-17T14:51:57Z',
  window,
  resource: { kind: 'Deployment', namespace: 'prod', name: 'web' },
  edge: { direction: 'from', resource: null },
  metrics,
});

describe('parseTrafficMetrics', () => {
  it("reads the spec's sample: latency in seconds, edge.side, 30s window", () => {
    expect(parseTrafficMetrics(readJsonVector('smi/trafficmetrics-deployment.json'), what)).toEqual({
      windowSeconds: 30,
      workload: { successCount: 100, failureCount: 100, p50Ms: 10, p99Ms: 10 },
    });
  });

  it("reads the smi-metrics server's /edges sample item by item: ms, milli-quantities, no edge.side", () => {
    expect(parseTrafficMetricsList(readJsonVector('smi/trafficmetricslist-edges.json'), what)).toEqual([
      { windowSeconds: 30, workload: { successCount: 28.58, failureCount: 0, p50Ms: 150, p99Ms: 294 } },
      { windowSeconds: 30, workload: { successCount: 1008.1, failureCount: 0, p50Ms: 120.731, p99Ms: 368 } },
    ]);
  });

  it('reads the window echoed as a Go duration', () => {
    const parsed = parseTrafficMetrics(
      wire([
        { name: 'success_count', value: '296875m' },
        { name: 'failure_count', value: 3 },
      ]),
      what,
    );
    expect(parsed).toEqual({
      windowSeconds: 60,
      workload: { successCount: 296.875, failureCount: 3, p50Ms: null, p99Ms: null },
    });
  });

  it('is no data when a count is missing or nothing was counted', () => {
    expect(parseTrafficMetrics(wire([{ name: 'success_count', value: '10' }]), what).workload).toBeNull();
    expect(parseTrafficMetrics(wire([{ name: 'failure_count', value: '1' }]), what).workload).toBeNull();
    const zero = wire([
      { name: 'success_count', value: '0' },
      { name: 'failure_count', value: '0' },
      { name: 'p99_response_latency', unit: 'ms', value: '0' },
    ]);
    expect(parseTrafficMetrics(zero, what).workload).toBeNull();
  });

  it('converts every latency unit to milliseconds', () => {
    const counts = [
      { name: 'success_count', value: '1k' },
      { name: 'failure_count', value: '2' },
    ];
    const seconds = parseTrafficMetrics(
      wire([...counts, { name: 'p99_response_latency', unit: 'seconds', value: '1.5' }]),
      what,
    );
    expect(seconds.workload?.p99Ms).toBe(1500);
    const ms = parseTrafficMetrics(
      wire([...counts, { name: 'p50_response_latency', unit: 'ms', value: '120731m' }]),
      what,
    );
    expect(ms.workload?.p50Ms).toBe(120.731);
    const us = parseTrafficMetrics(
      wire([...counts, { name: 'p50_response_latency', unit: 'us', value: '2500' }]),
      what,
    );
    expect(us.workload?.p50Ms).toBe(2.5);
  });

  it('rejects unknown units, bad quantities and negative values with the field named', () => {
    const counts = [
      { name: 'success_count', value: '1' },
      { name: 'failure_count', value: '0' },
    ];
    expect(() =>
      parseTrafficMetrics(
        wire([...counts, { name: 'p99_response_latency', unit: 'furlongs', value: '1' }]),
        what,
      ),
    ).toThrow('p99_response_latency has unit "furlongs"');
    expect(() =>
      parseTrafficMetrics(
        wire([
          { name: 'success_count', value: 'lots' },
          { name: 'failure_count', value: '0' },
        ]),
        what,
      ),
    ).toThrow(TrafficMetricsFormatError);
    expect(() => parseTrafficMetrics(wire([{ name: 'success_count', value: 'lots' }]), what)).toThrow(
      '"lots" is not a Kubernetes quantity',
    );
    expect(() =>
      parseTrafficMetrics(
        wire([
          { name: 'success_count', value: '-1' },
          { name: 'failure_count', value: '0' },
        ]),
        what,
      ),
    ).toThrow('success_count is negative');
    expect(() => parseTrafficMetrics(wire(counts, 'a minute'), what)).toThrow(
      'window: "a minute" is not a duration',
    );
  });

  it('rejects bodies that are not TrafficMetrics', () => {
    expect(() => parseTrafficMetrics({ kind: 'Status', message: 'oops' }, what)).toThrow(
      `${what}: not a TrafficMetrics object`,
    );
    expect(() => parseTrafficMetrics(readJsonVector('smi/trafficmetricslist-edges.json'), what)).toThrow(
      TrafficMetricsFormatError,
    );
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['30s', 30],
    ['1m0s', 60],
    ['1h2m3.5s', 3723.5],
    ['500ms', 0.5],
    ['0s', 0],
    ['0', 0],
    ['1.5h', 5400],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseGoDuration(text)).toBe(seconds);
  });

  it.each(['', '30', 's', '1m 0s', '1d', 'PT1M'])('rejects %j', (text) => {
    expect(() => parseGoDuration(text)).toThrow('is not a duration');
  });
});

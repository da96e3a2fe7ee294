import { describe, expect, it } from 'vitest';
import { parseQuantity, QuantityError } from '../../lib/kube/quantity.js';
import { readJsonVector } from '../support/vectors.js';

interface Metric {
  name: string;
  unit?: string;
  value: string;
}
interface TrafficMetrics {
  metrics: Metric[];
}

const metricValue = (metrics: TrafficMetrics, name: string): string => {
  const found = metrics.metrics.find((m) => m.name === name);
  if (!found) throw new Error(`vector has no metric ${name}`);
  return found.value;
};

describe('parseQuantity', () => {
  it.each([
    ['90', 90],
    ['0', 0],
    ['10m', 0.01],
    ['500m', 0.5],
    ['296875m', 296.875],
    ['28580m', 28.58],
    ['2k', 2000],
    ['1.5', 1.5],
    ['1.5k', 1500],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2.5e-3', 0.0025],
    ['+5', 5],
    ['-1', -1],
    ['.5', 0.5],
    ['5.', 5],
    ['100n', 1e-7],
    ['3u', 3e-6],
    ['4M', 4e6],
    ['1G', 1e9],
    ['2T', 2e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['1.5Mi', 1.5 * 1024 * 1024],
    ['2Gi', 2 * 1024 ** 3],
    ['1Ti', 1024 ** 4],
    ['1Pi', 1024 ** 5],
    ['1Ei', 1024 ** 6],
  ])('reads %s as %d', (text, expected) => {
    expect(parseQuantity(text)).toBe(expected);
  });

  it('takes JSON numbers as they are', () => {
    expect(parseQuantity(90)).toBe(90);
    expect(parseQuantity(0.25)).toBe(0.25);
    expect(parseQuantity(0)).toBe(0);
  });

  it('reads every value of the official SMI samples to the hand-computed number', () => {
    const spec = readJsonVector<TrafficMetrics>('smi/trafficmetrics-deployment.json');
    expect(parseQuantity(metricValue(spec, 'p99_response_latency'))).toBe(0.01);
    expect(parseQuantity(metricValue(spec, 'success_count'))).toBe(100);
    expect(parseQuantity(metricValue(spec, 'failure_count'))).toBe(100);

    const edges = readJsonVector<{ items: TrafficMetrics[] }>('smi/trafficmetricslist-edges.json');
    const [web, prometheus] = edges.items;
    if (!web || !prometheus) throw new Error('vector should have two items');
    expect(parseQuantity(metricValue(web, 'success_count'))).toBe(28.58);
    expect(parseQuantity(metricValue(web, 'p99_response_latency'))).toBe(294);
    expect(parseQuantity(metricValue(prometheus, 'p90_response_latency'))).toBe(247.199);
    expect(parseQuantity(metricValue(prometheus, 'p50_response_latency'))).toBe(120.731);
    expect(parseQuantity(metricValue(prometheus, 'success_count'))).toBe(1008.1);
    expect(parseQuantity(metricValue(prometheus, 'failure_count'))).toBe(0);

    const split = readJsonVector<{ spec: { backends: { weight: number }[] } }>(
      'smi/trafficsplit-v1alpha4.json',
    );
    expect(split.spec.backends.map((b) => parseQuantity(b.weight))).toEqual([90, 10]);
  });

  it.each([
    '',
    'abc',
    'm',
    '1.2.3',
    '10 m',
    ' 1',
    '1 ',
    '1mi',
    '1KiB',
    '1e',
    '1e3.5',
    '1k3',
    'NaN',
    'Infinity',
    '0x10',
    '1,5',
    '--1',
  ])('rejects %j with a message naming the input', (text) => {
    expect(() => parseQuantity(text, 'weight')).toThrow(QuantityError);
    expect(() => parseQuantity(text, 'weight')).toThrow(
      `weight: ${JSON.stringify(text)} is not a Kubernetes quantity`,
    );
  });

  it('rejects values that are not strings or finite numbers', () => {
    expect(() => parseQuantity(null)).toThrow('got null');
    expect(() => parseQuantity({ value: 1 })).toThrow('got an object');
    expect(() => parseQuantity([1])).toThrow('got an array');
    expect(() => parseQuantity(true)).toThrow('got boolean true');
    expect(() => parseQuantity(Number.NaN)).toThrow('not a finite number');
    expect(() => parseQuantity(Number.POSITIVE_INFINITY)).toThrow('not a finite number');
  });

  it('rejects quantities beyond the range of a number', () => {
    expect(() => parseQuantity('1e400')).toThrow('out of range');
  });
});

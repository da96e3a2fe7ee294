import { describe, expect, it } from 'vitest';
import { parseQuantity, QuantityError, quantityOf, quantityToNumber } from '../../lib/kube/quantity.js';
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
    '.',
    '-',
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

/**
 * The parsing table of k8s.io/apimachinery's resource.Quantity (its ParseQuantity cases): each input with the
 * exact value the API machinery holds, as mantissa × 10^exponent.
 */
const SPEC_TABLE: [string, bigint, number][] = [
  ['0', 0n, 0],
  ['0n', 0n, 0],
  ['0u', 0n, 0],
  ['0m', 0n, 0],
  ['0Ki', 0n, 0],
  ['0k', 0n, 0],
  ['0Mi', 0n, 0],
  ['0M', 0n, 0],
  ['0Gi', 0n, 0],
  ['0G', 0n, 0],
  ['0Ti', 0n, 0],
  ['0T', 0n, 0],
  ['1', 1n, 0],
  // Binary suffixes
  ['1Ki', 1024n, 0],
  ['8Ki', 8n * 1024n, 0],
  ['7Mi', 7n * 1024n ** 2n, 0],
  ['6Gi', 6n * 1024n ** 3n, 0],
  ['5Ti', 5n * 1024n ** 4n, 0],
  ['4Pi', 4n * 1024n ** 5n, 0],
  ['3Ei', 3n * 1024n ** 6n, 0],
  ['10Ti', 10n * 1024n ** 4n, 0],
  ['100Ti', 100n * 1024n ** 4n, 0],
  // Decimal suffixes
  ['5n', 5n, -9],
  ['4u', 4n, -6],
  ['3m', 3n, -3],
  ['9', 9n, 0],
  ['8k', 8n, 3],
  ['50k', 5n, 4],
  ['7M', 7n, 6],
  ['6G', 6n, 9],
  ['5T', 5n, 12],
  ['40T', 4n, 13],
  ['300T', 3n, 14],
  ['2P', 2n, 15],
  ['1E', 1n, 18],
  // Decimal exponents
  ['1E-3', 1n, -3],
  ['1e3', 1n, 3],
  ['1E6', 1n, 6],
  ['1e9', 1n, 9],
  ['1E12', 1n, 12],
  ['1e15', 1n, 15],
  ['1E18', 1n, 18],
  ['1e14', 1n, 14],
  ['1e13', 1n, 13],
  ['100.035k', 100035n, 0],
  // Things that look like floating point
  ['0.001', 1n, -3],
  ['0.0005k', 5n, -1],
  ['0.005', 5n, -3],
  ['0.05', 5n, -2],
  ['0.5', 5n, -1],
  ['0.00050k', 5n, -1],
  ['0.00500', 5n, -3],
  ['0.05000', 5n, -2],
  ['0.50000', 5n, -1],
  ['0.5e0', 5n, -1],
  ['0.5e-1', 5n, -2],
  ['0.5e-2', 5n, -3],
  ['10.035M', 10035n, 3],
  ['1.2e3', 12n, 2],
  ['1.3E+6', 13n, 5],
  ['1.40e9', 14n, 8],
  ['1.53E12', 153n, 10],
  ['1.6e15', 16n, 14],
  ['1.7E18', 17n, 17],
  ['9.01', 901n, -2],
  ['8.1k', 81n, 2],
  ['7.123456M', 7123456n, 0],
  ['6.987654321G', 6987654321n, 0],
  ['5.444T', 5444n, 9],
  ['40.1T', 401n, 11],
  ['300.2T', 3002n, 11],
  ['2.5P', 25n, 14],
  ['1.01E', 101n, 16],
  // Precision stops at the nano, rounding a finer non-zero value away from zero; binary values cap at 2^63-1
  ['3.001n', 4n, -9],
  ['1.1E-9', 2n, -9],
  ['0.0000000001', 1n, -9],
  ['0.0000000005', 1n, -9],
  ['0.00000000050', 1n, -9],
  ['0.5e-9', 1n, -9],
  ['0.9n', 1n, -9],
  ['0.00000012345', 124n, -9],
  ['0.00000012354', 124n, -9],
  ['9Ei', 2n ** 63n - 1n, 0],
  ['9223372036854775807Ki', 2n ** 63n - 1n, 0],
  ['12E', 12n, 18],
  // Fractional binary quantities
  ['100.035Ki', 10243584n, -2],
  ['0.5Mi', 524288n, 0],
  ['0.05Gi', 536870912n, -1],
  ['0.025Ti', 274877906944n, -1],
  // Unusual but well formed
  ['0.000000000001Ki', 2n, -9],
  ['.001', 1n, -3],
  ['.0001k', 1n, -1],
  ['1.', 1n, 0],
  ['1.G', 1n, 9],
];

/** A value in nanos (every parsed quantity is a whole number of them), so equal values compare equal. */
const nanos = (q: { mantissa: bigint; exponent: number } | null): bigint | null =>
  q === null ? null : q.mantissa * 10n ** BigInt(q.exponent + 9);

describe('quantityOf: the resource.Quantity parsing table', () => {
  it.each(SPEC_TABLE)('reads %s exactly', (text, mantissa, exponent) => {
    const quantity = quantityOf(text);
    expect(nanos(quantity)).toBe(nanos({ mantissa, exponent }));
    // Normalised: one representation per value.
    expect(quantity?.mantissa === 0n ? quantity.exponent : quantity?.mantissa.toString().endsWith('0')).toBe(
      quantity?.mantissa === 0n ? 0 : false,
    );
  });

  it.each(SPEC_TABLE)('reads -%s as the negation and +%s as the same', (text, mantissa, exponent) => {
    expect(nanos(quantityOf(`-${text}`))).toBe(-(nanos({ mantissa, exponent }) as bigint));
    expect(nanos(quantityOf(`+${text}`))).toBe(nanos({ mantissa, exponent }));
  });

  it.each([
    // The API machinery's own refusals
    '1.1.M',
    '1+1.0M',
    '0.1mi',
    '0.1am',
    'aoeu',
    '.5i',
    '1i',
    '-3.01i',
    '-3.01e-',
    ' 1',
    '1 ',
    '',
    // Outside the grammar (Go's scanner reads them as zero; a number needs a digit)
    'm',
    '.',
    '-',
    '+',
    'e3',
    'Ki',
    // An exponent beyond an int32 (Go would wrap it around)
    '1e3000000000',
  ])('refuses %j', (text) => {
    expect(quantityOf(text)).toBeNull();
  });

  it('reads a JSON number through its JSON text, as the API server does', () => {
    expect(quantityOf(90)).toEqual({ mantissa: 9n, exponent: 1 });
    expect(quantityOf(0.25)).toEqual({ mantissa: 25n, exponent: -2 });
    expect(quantityOf(1e21)).toEqual({ mantissa: 1n, exponent: 21 });
    expect(quantityOf(1e-10)).toEqual({ mantissa: 1n, exponent: -9 });
    expect(quantityOf(Number.NaN)).toBeNull();
    expect(quantityOf(Number.NEGATIVE_INFINITY)).toBeNull();
  });

  it('turns an exact quantity into the nearest number, and parseQuantity reads through it', () => {
    for (const [text, mantissa, exponent] of SPEC_TABLE) {
      const nearest = Number(`${mantissa}e${exponent}`);
      expect(quantityToNumber({ mantissa, exponent })).toBe(nearest);
      expect(parseQuantity(text)).toBe(nearest);
    }
    // A tiny value is rounded up to a nano whether it comes as a string or a number.
    expect(parseQuantity(1e-12)).toBe(1e-9);
  });
});

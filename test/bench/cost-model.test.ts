import { describe, expect, it } from 'vitest';
import {
  addUsage,
  costLines,
  lambdaUsage,
  type Prices,
  scaleUsage,
  sqsRequests,
  subtractUsage,
  totalUsd,
  US_EAST_1,
} from '../../bench/cost/cost-model.js';

describe('lambdaUsage: each duration rounded up to the millisecond, times the memory', () => {
  it.each([
    { durations: [], memory: 512, requests: 0, gbs: 0 },
    { durations: [1000], memory: 1024, requests: 1, gbs: 1 },
    { durations: [1000], memory: 512, requests: 1, gbs: 0.5 },
    { durations: [0.2, 0.2], memory: 1024, requests: 2, gbs: 0.002 },
    { durations: [10.1, 20], memory: 1024, requests: 2, gbs: 0.031 },
    { durations: [250, 250, 250, 250], memory: 256, requests: 4, gbs: 0.25 },
  ])(
    '$durations ms at $memory MB → $requests requests, $gbs GB-s',
    ({ durations, memory, requests, gbs }) => {
      const usage = lambdaUsage(durations, memory);
      expect(usage.lambdaRequests).toBe(requests);
      expect(usage.lambdaGbSeconds).toBeCloseTo(gbs, 9);
    },
  );

  it.each([
    [[-1], 512],
    [[Number.NaN], 512],
    [[10], 64],
  ])('refuses %j ms at %d MB', (durations, memory) => {
    expect(() => lambdaUsage(durations, memory)).toThrow();
  });
});

describe('sqsRequests: send in tens, receive in batches, delete each batch, per 64 KB chunk', () => {
  it.each([
    { bodies: [], batch: 5, requests: 0 },
    // One message: a send, a receive, a delete.
    { bodies: [200], batch: 5, requests: 3 },
    // Seven small messages, received five at a time: one send; two receives and two deletes.
    { bodies: Array(7).fill(200), batch: 5, requests: 5 },
    // Twelve: two sends; three receives, three deletes.
    { bodies: Array(12).fill(200), batch: 5, requests: 8 },
    // A 100 KB message is two chunks on send and on receive; the delete carries no body.
    { bodies: [100_000], batch: 1, requests: 5 },
  ])('$bodies.length messages, batch $batch → $requests', ({ bodies, batch, requests }) => {
    expect(sqsRequests(bodies, batch)).toBe(requests);
  });

  it('refuses a receive batch outside 1..10', () => {
    expect(() => sqsRequests([1], 0)).toThrow();
    expect(() => sqsRequests([1], 11)).toThrow();
  });
});

describe('costLines: quantity × price per item', () => {
  const unit = Object.fromEntries(Object.keys(US_EAST_1).map((k) => [k, 1])) as Prices;

  it.each([
    { usage: {}, total: 0, items: [] },
    { usage: { lambdaRequests: 1e6 }, total: 0.2, items: ['lambdaRequests'] },
    {
      usage: { dynamoWriteUnits: 2e6, dynamoReadUnits: 8e6 },
      total: 2.25,
      items: ['dynamoReadUnits', 'dynamoWriteUnits'],
    },
    { usage: { lambdaGbSeconds: 100_000 }, total: 1.33334, items: ['lambdaGbSeconds'] },
    {
      usage: { sqsRequests: 2e6, httpApiRequests: 1e6, xrayTraces: 1e5 },
      total: 2.5,
      items: ['sqsRequests', 'httpApiRequests', 'xrayTraces'],
    },
    {
      usage: { logIngestGb: 2, alarmMonths: 4, customMetricMonths: 10 },
      total: 4.4,
      items: ['logIngestGb', 'customMetricMonths', 'alarmMonths'],
    },
    { usage: { lambdaRequests: 0, eventBridgeEvents: 3e6 }, total: 3, items: ['eventBridgeEvents'] },
  ])('$items → $$total', ({ usage, total, items }) => {
    const lines = costLines(usage, US_EAST_1);
    expect(lines.map((l) => l.item)).toEqual(items);
    expect(totalUsd(lines)).toBeCloseTo(total, 9);
  });

  it('uses the prices it is given', () => {
    expect(totalUsd(costLines({ lambdaRequests: 3, xrayTraces: 4 }, unit))).toBe(7);
  });

  it('refuses negative or non-finite quantities', () => {
    expect(() => costLines({ sqsRequests: -1 }, US_EAST_1)).toThrow(/sqsRequests/);
    expect(() => costLines({ sqsRequests: Number.POSITIVE_INFINITY }, US_EAST_1)).toThrow(/sqsRequests/);
  });
});

describe('usage arithmetic', () => {
  it.each([
    {
      a: { lambdaRequests: 2 },
      b: { lambdaRequests: 3, sqsRequests: 1 },
      sum: { lambdaRequests: 5, sqsRequests: 1 },
    },
    { a: {}, b: { xrayTraces: 1 }, sum: { xrayTraces: 1 } },
  ])('adds $a and $b', ({ a, b, sum }) => {
    expect(addUsage(a, b)).toEqual(sum);
  });

  it.each([
    {
      usage: { lambdaRequests: 2, sqsRequests: 3 },
      factor: 3000,
      out: { lambdaRequests: 6000, sqsRequests: 9000 },
    },
    { usage: {}, factor: 10, out: {} },
  ])('scales $usage by $factor', ({ usage, factor, out }) => {
    expect(scaleUsage(usage, factor)).toEqual(out);
  });

  it.each([
    {
      a: { dynamoReadUnits: 10, lambdaRequests: 4 },
      b: { dynamoReadUnits: 3 },
      out: { dynamoReadUnits: 7, lambdaRequests: 4 },
    },
    { a: { dynamoReadUnits: 2 }, b: { dynamoReadUnits: 3 }, out: { dynamoReadUnits: 0 } },
  ])('subtracts $b from $a, never below zero', ({ a, b, out }) => {
    expect(subtractUsage(a, b)).toEqual(out);
  });

  it('does not change its inputs', () => {
    const a = { lambdaRequests: 1 };
    const b = { lambdaRequests: 2 };
    addUsage(a, b);
    scaleUsage(a, 5);
    subtractUsage(b, a);
    expect([a, b]).toEqual([{ lambdaRequests: 1 }, { lambdaRequests: 2 }]);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/errors.js';
import { sameWeights, toIntegerWeights, toPercentages } from '../../lib/router/weight-percentages.js';

describe('toPercentages', () => {
  it.each([
    [90, 10, 90, 10],
    [9, 1, 90, 10],
    [0.9, 0.1, 90, 10],
    [0.5, 0.5, 50, 50],
    [100, 0, 100, 0],
    [0, 5, 0, 100],
    [0, 0, 100, 0],
    [1, 2, 33.333333, 66.666667],
  ])('reads %d/%d as %d/%d', (primary, canary, p, c) => {
    const weights = toPercentages(primary, canary, 'TrafficSplit prod/web');
    expect(weights).toEqual({ primary: p, canary: c });
  });

  it('rejects negative or non-finite weights as a configuration error naming the side', () => {
    expect(() => toPercentages(-1, 10, 'TrafficSplit prod/web')).toThrow(ConfigurationError);
    expect(() => toPercentages(-1, 10, 'TrafficSplit prod/web')).toThrow(
      'TrafficSplit prod/web: the primary weight -1',
    );
    expect(() => toPercentages(1, Number.NaN, 'x')).toThrow('the canary weight NaN');
  });
});

describe('toIntegerWeights', () => {
  it('writes whole percentages summing to 100', () => {
    expect(toIntegerWeights({ primary: 90, canary: 10 })).toEqual({ primary: 90, canary: 10 });
    expect(toIntegerWeights({ primary: 66.6, canary: 33.4 })).toEqual({ primary: 67, canary: 33 });
    expect(toIntegerWeights({ primary: 3, canary: 1 })).toEqual({ primary: 75, canary: 25 });
  });

  it('rejects weights that route nowhere or are not numbers', () => {
    expect(() => toIntegerWeights({ primary: 0, canary: 0 })).toThrow('positive sum');
    expect(() => toIntegerWeights({ primary: -10, canary: 110 })).toThrow('two numbers ≥ 0');
  });

  it('sameWeights compares both sides', () => {
    expect(sameWeights({ primary: 90, canary: 10 }, { primary: 90, canary: 10 })).toBe(true);
    expect(sameWeights({ primary: 90, canary: 10 }, { primary: 10, canary: 90 })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { createdSortKey, decisionKey, padded } from '../../lib/store/table-keys.js';

describe('table keys', () => {
  it('pads numbers so that string order is numeric order', () => {
    const values = [0, 7, 10, 99, 100, 1_795_702_400_000];
    const keys = values.map((v) => padded(v, 15));
    expect([...keys].sort()).toEqual(keys);
    expect(padded(42, 5)).toBe('00042');
  });

  it('refuses numbers a sort key cannot order', () => {
    expect(() => padded(-1, 5)).toThrow(/non-negative integer/);
    expect(() => padded(1.5, 5)).toThrow(/non-negative integer/);
    expect(() => padded(123_456, 5)).toThrow(/does not fit in 5 digits/);
  });

  it('orders decisions by time, then by the version and position they were written with', () => {
    const keys = [
      decisionKey('a-1', 1_000, 1, 0),
      decisionKey('a-1', 1_000, 1, 1),
      decisionKey('a-1', 1_000, 2, 0),
      decisionKey('a-1', 1_000, 10, 0),
      decisionKey('a-1', 2_000, 3, 0),
    ].map((k) => k.sk);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(keys);
    expect(decisionKey('a-1', 1_000.7, 1, 0).sk).toBe(decisionKey('a-1', 1_000, 1, 0).sk);
    expect(decisionKey('a-1', 0, 1, 0).pk).toBe('ROLLOUT#a-1');
  });

  it('orders rollouts created in the same millisecond by their sequence number', () => {
    expect(createdSortKey(5, 'web', 9) < createdSortKey(5, 'web', 10)).toBe(true);
    expect(createdSortKey(5, 'zzz', 1) < createdSortKey(6, 'aaa', 1)).toBe(true);
  });
});

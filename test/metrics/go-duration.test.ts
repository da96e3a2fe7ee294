import { describe, expect, it } from 'vitest';
import { goDurationSeconds, parseGoDuration } from '../../lib/metrics/go-duration.js';

/** Cases of Go's `time.ParseDuration`, with the seconds each stands for. */
const GO_DURATIONS: [string, number][] = [
  ['0', 0],
  ['-0', 0],
  ['+0', 0],
  ['0s', 0],
  ['5s', 5],
  ['30s', 30],
  ['1478s', 1478],
  ['-5s', -5],
  ['+5s', 5],
  ['5.0s', 5],
  ['5.6s', 5.6],
  ['5.s', 5],
  ['.5s', 0.5],
  ['1.004s', 1.004],
  ['100.00100s', 100.001],
  ['10ns', 10e-9],
  ['11us', 11e-6],
  ['12µs', 12e-6], // U+00B5 micro sign
  ['12μs', 12e-6], // U+03BC Greek mu
  ['13ms', 0.013],
  ['15m', 900],
  ['16h', 57_600],
  ['1m0s', 60],
  ['3h30m', 12_600],
  ['10.5s4m', 250.5],
  ['-2m3.4s', -123.4],
  ['1h2m3.5s', 3723.5],
  ['39h9m14.425s', 140_954.425],
  ['1.5h', 5400],
];

describe('Go durations (time.ParseDuration)', () => {
  it.each(GO_DURATIONS)('reads %s as %d seconds', (text, seconds) => {
    expect(goDurationSeconds(text)).toBeCloseTo(seconds, 12);
    expect(parseGoDuration(text)).toBe(goDurationSeconds(text));
  });

  it('reads every part of a long duration', () => {
    expect(goDurationSeconds('1h2m3s4ms5us6ns')).toBeCloseTo(3723.004005006, 12);
  });

  it.each([
    '',
    '3',
    '-',
    's',
    '.',
    '-.',
    '.s',
    '+.s',
    '1d',
    '1m 0s',
    ' 1s',
    '1S',
    '1sec',
    'PT1M',
    '1.2.3s',
    '3000000h', // beyond Go's int64 nanoseconds (about 292 years)
  ])('refuses %j', (text) => {
    expect(goDurationSeconds(text)).toBeNull();
    expect(() => parseGoDuration(text)).toThrow(`${JSON.stringify(text)} is not a duration like "30s"`);
  });
});

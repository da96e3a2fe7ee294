import { describe, expect, it } from 'vitest';
import { quantityOf } from '../../lib/kube/quantity.js';
import { formatGoDuration } from '../../lib/sim/kube-api/go-duration.js';
import { humanDuration } from '../../lib/sim/kube-api/human-duration.js';
import { formatDecimalQuantity, toProportionalIntegers } from '../../lib/sim/kube-api/quantity.js';
import { compareVersionPriority } from '../../lib/sim/kube-api/version-priority.js';

describe('Kubernetes quantities', () => {
  it('turns weights into integers with the same ratios', () => {
    const q = (s: string) => quantityOf(s) ?? { mantissa: 0n, exponent: 0 };
    expect(toProportionalIntegers([q('90'), q('10')])).toEqual([90, 10]);
    expect(toProportionalIntegers([q('500m'), q('1500m')])).toEqual([500, 1500]);
    expect(toProportionalIntegers([q('0.5'), q('1')])).toEqual([500, 1000]);
    expect(toProportionalIntegers([q('1u'), q('1')])).toEqual([1, 1_000_000]);
    expect(toProportionalIntegers([q('1k'), q('0')])).toEqual([1000, 0]);
  });

  it('formats canonical DecimalSI text like smi-metrics does', () => {
    expect(formatDecimalQuantity(28.58)).toBe('28580m');
    expect(formatDecimalQuantity(1008.1)).toBe('1008100m');
    expect(formatDecimalQuantity(247.199)).toBe('247199m');
    expect(formatDecimalQuantity(294)).toBe('294');
    expect(formatDecimalQuantity(2000)).toBe('2k');
    expect(formatDecimalQuantity(1500)).toBe('1500');
    expect(formatDecimalQuantity(0)).toBe('0');
    expect(formatDecimalQuantity(0.01, 9)).toBe('10m');
    expect(formatDecimalQuantity(0.0025, 9)).toBe('2500u');
  });
});

describe('durations', () => {
  it('prints Go durations', () => {
    expect(formatGoDuration(30)).toBe('30s');
    expect(formatGoDuration(60)).toBe('1m0s');
    expect(formatGoDuration(90)).toBe('1m30s');
    expect(formatGoDuration(3600)).toBe('1h0m0s');
    expect(formatGoDuration(1.5)).toBe('1.5s');
    expect(formatGoDuration(0.25)).toBe('250ms');
    expect(formatGoDuration(0)).toBe('0s');
  });

  it('prints ages the way kubectl shows them', () => {
    const s = 1000;
    expect(humanDuration(5 * s)).toBe('5s');
    expect(humanDuration(119 * s)).toBe('119s');
    expect(humanDuration(150 * s)).toBe('2m30s');
    expect(humanDuration(600 * s)).toBe('10m');
    expect(humanDuration(4 * 3600 * s + 5 * 60 * s)).toBe('4h5m');
    expect(humanDuration(30 * 3600 * s)).toBe('30h');
    expect(humanDuration(3 * 86400 * s + 3600 * s)).toBe('3d1h');
    expect(humanDuration(400 * 86400 * s)).toBe('400d');
    expect(humanDuration(-500)).toBe('0s');
    expect(humanDuration(-5000)).toBe('<invalid>');
  });
});

describe('version priority', () => {
  it('orders GA before beta before alpha, higher numbers first', () => {
    const sorted = ['v1alpha1', 'v1beta1', 'v1alpha2', 'v1', 'v2beta1', 'v2'].sort(compareVersionPriority);
    expect(sorted).toEqual(['v2', 'v1', 'v2beta1', 'v1beta1', 'v1alpha2', 'v1alpha1']);
  });
});

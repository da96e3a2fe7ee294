import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/errors.js';
import {
  backendsWithWeights,
  parseTrafficSplit,
  splitWeights,
} from '../../lib/router/trafficsplit-backends.js';
import { readJsonVector } from '../support/vectors.js';
import { webTarget } from './targets.js';

const split = (backends: unknown[], service = 'web') =>
  parseTrafficSplit(
    {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'web', resourceVersion: '5' },
      spec: { service, backends },
    },
    'TrafficSplit prod/web',
  );

describe('TrafficSplit backends', () => {
  const target = webTarget();

  it('reads the official v1alpha4 sample (integers)', () => {
    const sample = parseTrafficSplit(
      readJsonVector('smi/trafficsplit-v1alpha4.json'),
      'TrafficSplit default/canary',
    );
    const sampleTarget = webTarget({
      service: 'website',
      primary: { service: 'website-v1', deployment: 'website-v1' },
      canary: { service: 'website-v2', deployment: 'website-v2' },
    });
    expect(splitWeights(sample, sampleTarget, 'TrafficSplit default/canary')).toEqual({
      primary: 90,
      canary: 10,
    });
  });

  it('reads v1alpha1 quantity weights and numbers alike', () => {
    const quantities = split([
      { service: 'web-primary', weight: '900m' },
      { service: 'web-canary', weight: '100m' },
    ]);
    expect(splitWeights(quantities, target, 'x')).toEqual({ primary: 90, canary: 10 });
    const strings = split([
      { service: 'web-canary', weight: '25' },
      { service: 'web-primary', weight: 75 },
    ]);
    expect(splitWeights(strings, target, 'x')).toEqual({ primary: 75, canary: 25 });
    const zero = split([
      { service: 'web-primary', weight: 0 },
      { service: 'web-canary', weight: '0' },
    ]);
    expect(splitWeights(zero, target, 'x')).toEqual({ primary: 100, canary: 0 });
  });

  it('counts a missing weight as zero', () => {
    expect(
      splitWeights(split([{ service: 'web-primary', weight: 1 }, { service: 'web-canary' }]), target, 'x'),
    ).toEqual({
      primary: 100,
      canary: 0,
    });
  });

  it('refuses anything but exactly the two backends, naming what it found', () => {
    const three = split([
      { service: 'web-primary', weight: 80 },
      { service: 'web-canary', weight: 10 },
      { service: 'web-legacy', weight: 10 },
    ]);
    expect(() => splitWeights(three, target, 'TrafficSplit prod/web')).toThrow(ConfigurationError);
    expect(() => splitWeights(three, target, 'TrafficSplit prod/web')).toThrow(
      'TrafficSplit prod/web must have exactly two backends, web-primary and web-canary; it has web-primary (weight 80), web-canary (weight 10), web-legacy (weight 10)',
    );
    const wrong = split([
      { service: 'web-primary', weight: 90 },
      { service: 'web-v2', weight: 10 },
    ]);
    expect(() => splitWeights(wrong, target, 'x')).toThrow(
      'it has web-primary (weight 90), web-v2 (weight 10)',
    );
    expect(() => splitWeights(split([]), target, 'x')).toThrow('it has no backends');
  });

  it('refuses a split of another apex service', () => {
    const other = split(
      [
        { service: 'web-primary', weight: 90 },
        { service: 'web-canary', weight: 10 },
      ],
      'api',
    );
    expect(() => splitWeights(other, target, 'x')).toThrow(
      'splits service "api", but the target\'s apex service is "web"',
    );
  });

  it('refuses garbage weights as a configuration error', () => {
    const bad = split([
      { service: 'web-primary', weight: 'ninety' },
      { service: 'web-canary', weight: 10 },
    ]);
    expect(() => splitWeights(bad, target, 'TrafficSplit prod/web')).toThrow(ConfigurationError);
    expect(() => splitWeights(bad, target, 'TrafficSplit prod/web')).toThrow(
      'TrafficSplit prod/web backend web-primary weight: "ninety" is not a Kubernetes quantity',
    );
  });

  it('refuses an object that is not a TrafficSplit', () => {
    expect(() =>
      parseTrafficSplit({ metadata: { name: 'web' }, spec: { service: 'web' } }, 'TrafficSplit prod/web'),
    ).toThrow(/configuration error: TrafficSplit prod\/web is not a valid TrafficSplit/);
  });

  it('writes the whole list with integer weights, keeping order and other fields', () => {
    const current = split([
      { service: 'web-canary', weight: '100m', note: 'kept' },
      { service: 'web-primary', weight: '900m' },
    ]);
    expect(backendsWithWeights(current, target, { primary: 70, canary: 30 })).toEqual([
      { service: 'web-canary', weight: 30, note: 'kept' },
      { service: 'web-primary', weight: 70 },
    ]);
  });
});

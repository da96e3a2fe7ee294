import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/errors.js';
import {
  type HttpRoute,
  parseHttpRoute,
  routeHasWeights,
  routeWeights,
  rulesWithWeights,
  splittingRules,
} from '../../lib/router/httproute-rules.js';
import { webTarget } from './targets.js';

const what = 'HTTPRoute prod/web';
const route = (rules: unknown[]): HttpRoute =>
  parseHttpRoute(
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'prod', resourceVersion: '3' },
      spec: { parentRefs: [{ group: 'core', kind: 'Service', name: 'web', port: 80 }], rules },
    },
    what,
  );

const adminRule = {
  matches: [{ path: { type: 'PathPrefix', value: '/admin' } }],
  backendRefs: [{ name: 'web-admin', port: 8080 }],
};
const splitRule = {
  matches: [{ path: { type: 'PathPrefix', value: '/' } }],
  filters: [
    { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-route', value: 'main' }] } },
  ],
  backendRefs: [
    { group: '', kind: 'Service', name: 'web-primary', port: 8080, weight: 90 },
    { name: 'web-canary', port: 8081, weight: 10 },
  ],
};

describe('HTTPRoute rule selection', () => {
  const target = webTarget({ router: { kind: 'httproute' } });

  it('finds the rule holding both Services, whatever its position', () => {
    expect(splittingRules(route([adminRule, splitRule]), target, what)).toEqual([1]);
    expect(routeWeights(route([adminRule, splitRule]), target, what)).toEqual({ primary: 90, canary: 10 });
  });

  it('counts an unset weight as 1 (the Gateway API default)', () => {
    const unweighted = {
      backendRefs: [
        { name: 'web-primary', port: 8080 },
        { name: 'web-canary', port: 8080 },
      ],
    };
    expect(routeWeights(route([unweighted]), target, what)).toEqual({ primary: 50, canary: 50 });
  });

  it('ignores refs that are not core Services in the target namespace', () => {
    const lookalikes = {
      backendRefs: [
        { name: 'web-primary', port: 8080, weight: 90 },
        { group: 'example.com', kind: 'Backend', name: 'web-canary', weight: 10 },
        { name: 'web-canary', namespace: 'staging', port: 8080, weight: 10 },
      ],
    };
    expect(() => splittingRules(route([lookalikes]), target, what)).toThrow(ConfigurationError);
    expect(() => splittingRules(route([adminRule, lookalikes]), target, what)).toThrow(
      'configuration error: HTTPRoute prod/web has no rule whose backendRefs hold both web-primary and web-canary (rule 0: web-admin; rule 1: web-primary, web-canary, web-canary)',
    );
  });

  it('refuses a route without rules', () => {
    expect(() => splittingRules(route([]), target, what)).toThrow('(no rules)');
  });

  it('refuses a rule that lists a Service twice', () => {
    const twice = {
      backendRefs: [
        { name: 'web-primary', port: 1 },
        { name: 'web-primary', port: 2 },
        { name: 'web-canary' },
      ],
    };
    expect(() => splittingRules(route([twice]), target, what)).toThrow(
      'rule 0 lists web-primary more than once',
    );
  });

  it('changes only the two weights; matches, filters, ports, other refs and other rules stay as they were', () => {
    const third = {
      ...splitRule,
      backendRefs: [...splitRule.backendRefs, { name: 'web-mirror', port: 9000, weight: 0 }],
    };
    const current = route([adminRule, third]);
    const rules = rulesWithWeights(current, target, { primary: 60, canary: 40 }, what);
    expect(rules).toEqual([
      adminRule,
      {
        ...splitRule,
        backendRefs: [
          { group: '', kind: 'Service', name: 'web-primary', port: 8080, weight: 60 },
          { name: 'web-canary', port: 8081, weight: 40 },
          { name: 'web-mirror', port: 9000, weight: 0 },
        ],
      },
    ]);
    // The read object itself is not modified.
    expect(current.spec.rules?.[1]?.backendRefs?.[0]?.weight).toBe(90);
  });

  it('keeps several splitting rules at the same weights', () => {
    const api = { ...splitRule, matches: [{ path: { type: 'PathPrefix', value: '/api' } }] };
    const current = route([
      splitRule,
      adminRule,
      {
        ...api,
        backendRefs: [
          { name: 'web-primary', weight: 50 },
          { name: 'web-canary', weight: 50 },
        ],
      },
    ]);
    expect(splittingRules(current, target, what)).toEqual([0, 2]);
    expect(routeHasWeights(current, target, { primary: 90, canary: 10 }, what)).toBe(false);
    const rules = rulesWithWeights(current, target, { primary: 90, canary: 10 }, what);
    const written = parseHttpRoute({ ...current, spec: { ...current.spec, rules } }, what);
    expect(routeHasWeights(written, target, { primary: 90, canary: 10 }, what)).toBe(true);
    expect(written.spec.rules?.[1]).toEqual(adminRule);
  });
});

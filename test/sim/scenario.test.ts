import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canaryAtWeight,
  changePointsBetween,
  conditionsAt,
  loadScenario,
  parseScenario,
  policyForJudge,
  ScenarioError,
} from '../../lib/sim/scenario.js';

const valid = {
  name: 'canary-errors-2pct',
  durationSeconds: 3600,
  requestsPerSecond: 20,
  primary: { errorRate: 0.001, latencyMs: { p50: 40, p99: 180 } },
  canary: { errorRate: 0.02, latencyMs: { p50: 40, p99: 180 } },
  canaryChanges: [{ atSecond: 600, errorRate: 0.2 }],
  trafficChanges: [{ atSecond: 900, requestsPerSecond: 0 }],
  policy: { stepWeights: [5, 10, 20, 40, 60], intervalSeconds: 60 },
  expected: 'rollback',
};

const errorOf = (input: unknown): string => {
  try {
    parseScenario(input, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('expected a ScenarioError');
};

describe('scenario schema', () => {
  it('parses the documented example and builds its policy with the real PolicySchema', () => {
    const { scenario, policy } = parseScenario(valid);
    expect(scenario.primaryChanges).toEqual([]);
    expect(policy.stepWeights).toEqual([5, 10, 20, 40, 60]);
    expect(policy.judge.kind).toBe('aviary');
    expect(policy.checks.minSuccessRate).toBe(99);
  });

  it('names the offending field', () => {
    expect(errorOf({ ...valid, canary: { ...valid.canary, errorRate: 1.5 } })).toMatch(
      /^test\.json: canary\.errorRate: /,
    );
    expect(errorOf({ ...valid, durationSeconds: -1 })).toMatch(/durationSeconds/);
    expect(errorOf({ ...valid, expected: 'maybe' })).toMatch(/expected/);
    expect(errorOf({ ...valid, canaryChanges: [{ atSecond: 10 }] })).toMatch(
      /canaryChanges\.0\.errorRate: a change must set/,
    );
    expect(errorOf({ ...valid, primary: { errorRate: 0, latencyMs: { p50: 200, p99: 100 } } })).toMatch(
      /primary\.latencyMs\.p99/,
    );
    expect(errorOf({ ...valid, surprise: true })).toMatch(/surprise/);
    const { name: _name, ...nameless } = valid;
    expect(errorOf(nameless)).toMatch(/name/);
  });

  it('validates the policy and names its fields under policy.', () => {
    expect(errorOf({ ...valid, policy: { stepWeights: [20, 10] } })).toMatch(
      /policy\.stepWeights\.1: stepWeights must increase/,
    );
    expect(errorOf({ ...valid, policy: { judge: { kind: 'kayenta' } } })).toMatch(/policy\.judge/);
  });

  it('lets stepWeight + maxWeight replace the default step list', () => {
    const { policy } = parseScenario({ ...valid, policy: { stepWeight: 25, maxWeight: 50 } });
    expect(policy.stepWeights).toBeUndefined();
    expect(policy.stepWeight).toBe(25);
  });

  it('swaps the judge but keeps the scenario’s own settings for its judge', () => {
    const own = { ...valid, policy: { judge: { kind: 'aviary', errorRateMargin: 0.004 } } };
    const { scenario } = parseScenario(own);
    const aviary = policyForJudge(scenario, 'aviary');
    expect(aviary.judge).toMatchObject({ kind: 'aviary', errorRateMargin: 0.004 });
    expect(policyForJudge(scenario, 'argo').judge).toEqual({
      kind: 'argo',
      failureLimit: 0,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
    });
    expect(policyForJudge(scenario).judge.kind).toBe('aviary');
  });
});

describe('scenario traffic shapes', () => {
  it('accepts bursts, weight-dependent failures and a metrics shape', () => {
    const { scenario } = parseScenario({
      ...valid,
      primary: { ...valid.primary, failureBursts: { meanSize: 3 } },
      canaryChanges: [{ atSecond: 60, failureBursts: { meanSize: 5 } }],
      canaryWeightFailures: [
        { aboveWeight: 25, errorRate: 0.03 },
        { aboveWeight: 50, errorRate: 0.1 },
      ],
      metrics: 'histogram',
    });
    expect(scenario.metrics).toBe('histogram');
    expect(conditionsAt(scenario, 0).primary.failureBursts).toEqual({ meanSize: 3 });
    expect(conditionsAt(scenario, 60).canary).toMatchObject({
      errorRate: 0.02,
      failureBursts: { meanSize: 5 },
    });
    const canary = conditionsAt(scenario, 0).canary;
    expect(canaryAtWeight(scenario, canary, 25).errorRate).toBe(0.02);
    expect(canaryAtWeight(scenario, canary, 30).errorRate).toBe(0.03);
    expect(canaryAtWeight(scenario, canary, 60).errorRate).toBe(0.1);
    expect(parseScenario(valid).scenario.metrics).toBe('quantiles');
  });

  it('refuses bad traffic shapes, naming the field', () => {
    expect(errorOf({ ...valid, canary: { ...valid.canary, failureBursts: { meanSize: 0.5 } } })).toMatch(
      /canary\.failureBursts\.meanSize: .*meanSize ≥ 1/,
    );
    expect(errorOf({ ...valid, primary: { ...valid.primary, errorRate: -0.1 } })).toMatch(
      /primary\.errorRate/,
    );
    expect(errorOf({ ...valid, canaryWeightFailures: [{ aboveWeight: 120, errorRate: 0.1 }] })).toMatch(
      /canaryWeightFailures\.0\.aboveWeight/,
    );
    expect(
      errorOf({ ...valid, canaryWeightFailures: [{ aboveWeight: 20, errorRate: 0.1, extra: 1 }] }),
    ).toMatch(/canaryWeightFailures\.0.*extra/);
    expect(
      errorOf({ ...valid, canary: { ...valid.canary, failureBursts: { meanSize: 2, shape: 'x' } } }),
    ).toMatch(/canary\.failureBursts.*shape/);
    expect(errorOf({ ...valid, metrics: 'summary' })).toMatch(/^test\.json: metrics: /);
    expect(errorOf({ ...valid, policy: { stepWeights: [50, 150] } })).toMatch(/policy\.stepWeights\.1/);
    expect(errorOf({ ...valid, policy: { onInconclusive: 'shrug' } })).toMatch(/policy\.onInconclusive/);
  });
});

describe('scenario timeline', () => {
  const { scenario } = parseScenario({
    ...valid,
    canaryChanges: [
      { atSecond: 900, latencyMs: { p50: 50, p99: 400 } },
      { atSecond: 600, errorRate: 0.2 },
    ],
  });

  it('applies every change made by a given second, in time order', () => {
    expect(conditionsAt(scenario, 0)).toMatchObject({ rps: 20, canary: { errorRate: 0.02 } });
    expect(conditionsAt(scenario, 600).canary.errorRate).toBe(0.2);
    expect(conditionsAt(scenario, 950)).toMatchObject({
      rps: 0,
      canary: { errorRate: 0.2, latencyMs: { p50: 50, p99: 400 } },
      primary: { errorRate: 0.001 },
    });
  });

  it('lists the change points inside a window', () => {
    expect(changePointsBetween(scenario, 540, 960)).toEqual([600, 900]);
    expect(changePointsBetween(scenario, 600, 660)).toEqual([]);
  });
});

describe('loading scenario files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aviary-scenario-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file, and says what is wrong with a broken one', async () => {
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(valid));
    expect((await loadScenario(good)).scenario.name).toBe('canary-errors-2pct');
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{ "name": ');
    await expect(loadScenario(broken)).rejects.toThrow(/broken\.json: not valid JSON/);
    await expect(loadScenario(path.join(dir, 'missing.json'))).rejects.toThrow(
      /missing\.json: cannot read \(ENOENT\)/,
    );
  });
});

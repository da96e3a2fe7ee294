import { describe, expect, it } from 'vitest';
import { ExplanationSchema } from '../../lib/model/explanation.js';
import { runScenario } from '../../lib/sim/run-scenario.js';
import { parseScenario, policyForJudge } from '../../lib/sim/scenario.js';

const side = (errorRate: number, p99 = 180) => ({ errorRate, latencyMs: { p50: 40, p99 } });
const scenarioOf = (extra: Record<string, unknown>) =>
  parseScenario({
    name: 'test',
    durationSeconds: 3600,
    requestsPerSecond: 20,
    primary: side(0.001),
    canary: side(0.001),
    expected: 'promote',
    ...extra,
  }).scenario;

describe('runScenario through the real core', () => {
  it('promotes a healthy canary with every judge, advancing through every step', () => {
    const scenario = scenarioOf({});
    for (const kind of ['aviary', 'flagger', 'argo'] as const) {
      const r = runScenario({ scenario, policy: policyForJudge(scenario, kind), seed: 7, recordSteps: true });
      expect(r.judge).toBe(kind);
      expect(r.outcome).toBe('promoted');
      const advances = r.steps.filter((s) => s.decision === 'advance').map((s) => s.weight);
      expect(advances).toEqual([0, 5, 10, 20, 40]);
      expect(r.steps.at(-1)?.decision).toBe('approve');
      for (const s of r.steps) ExplanationSchema.parse(s.explanation);
    }
  });

  it('rolls back a clear regression early, and counts the failed requests the canary served', () => {
    const scenario = scenarioOf({ canary: side(0.2), expected: 'rollback' });
    const r = runScenario({
      scenario,
      policy: policyForJudge(scenario, 'aviary'),
      seed: 3,
      recordSteps: true,
    });
    expect(r.outcome).toBe('rolled_back');
    // Within two windows: no single window decides while too few failures have been seen to rule out bursts.
    expect(r.decidedAtSecond).toBeLessThanOrEqual(120);
    expect(r.steps.at(-1)?.decision).toBe('rollback');
    expect(r.canaryRequests).toBe(r.traffic.reduce((s, w) => s + w.requests, 0));
    expect(r.canaryFailedRequests).toBeGreaterThan(0);
    expect(r.canaryFailedRequests).toBeLessThan(r.canaryRequests);
  });

  it('holds through a traffic stop instead of passing or failing it (aviary), unlike flagger', () => {
    const scenario = scenarioOf({
      trafficChanges: [
        { atSecond: 60, requestsPerSecond: 0 },
        { atSecond: 900, requestsPerSecond: 20 },
      ],
    });
    const aviary = runScenario({
      scenario,
      policy: policyForJudge(scenario, 'aviary'),
      seed: 5,
      recordSteps: true,
    });
    const during = aviary.steps.filter((s) => s.atSecond > 60 && s.atSecond <= 900);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((s) => s.decision === 'hold' || s.rule === 'judge.no_data')).toBe(true);
    expect(during.some((s) => s.rule === 'judge.no_data')).toBe(true);
    expect(aviary.outcome).toBe('promoted');
    expect(aviary.decidedAtSecond).toBeGreaterThan(900);
    const flagger = runScenario({ scenario, policy: policyForJudge(scenario, 'flagger'), seed: 5 });
    expect(flagger.outcome).toBe('rolled_back');
  });

  it('is deterministic for a seed', () => {
    const scenario = scenarioOf({ canary: side(0.01) });
    const policy = policyForJudge(scenario, 'aviary');
    const a = runScenario({ scenario, policy, seed: 42, recordSteps: true });
    const b = runScenario({ scenario, policy, seed: 42, recordSteps: true });
    expect(b).toEqual(a);
    const c = runScenario({ scenario, policy, seed: 43, recordSteps: true });
    expect(c.traffic).not.toEqual(a.traffic);
  });

  it('leaves a rollout undecided when the scenario ends first', () => {
    const scenario = scenarioOf({ requestsPerSecond: 0.05, durationSeconds: 600 });
    const r = runScenario({ scenario, policy: policyForJudge(scenario, 'aviary'), seed: 1 });
    expect(r.outcome).toBe('undecided');
    expect(r.decidedAtSecond).toBeNull();
  });

  it('ends "asked" when the evidence stays inconclusive past the deadline, never rolling a quiet canary back', () => {
    const scenario = scenarioOf({ requestsPerSecond: 0.05, durationSeconds: 7200 });
    const policy = policyForJudge(scenario, 'aviary');
    const r = runScenario({ scenario, policy, seed: 1, recordSteps: true });
    expect(r.outcome).toBe('asked');
    expect(r.steps.at(-1)?.rule).toBe('evidence_inconclusive');
    const rollback = runScenario({
      scenario: { ...scenario, policy: { onInconclusive: 'rollback' } },
      policy: { ...policy, onInconclusive: 'rollback' },
      seed: 1,
    });
    expect(rollback.outcome).toBe('rolled_back');
  });

  it('breaks a canary only above the weight its weight-dependent failures name', () => {
    const scenario = scenarioOf({
      requestsPerSecond: 200,
      canaryWeightFailures: [{ aboveWeight: 15, errorRate: 0.05 }],
    });
    const r = runScenario({
      scenario,
      policy: policyForJudge(scenario, 'aviary'),
      seed: 3,
      recordSteps: true,
    });
    expect(r.outcome).toBe('rolled_back');
    const rollbackStep = r.steps.find((s) => s.decision === 'rollback');
    expect(rollbackStep?.weight).toBeGreaterThan(15);
    expect(r.traffic.filter((w) => w.toSecond <= 120).every((w) => w.failures <= 3)).toBe(true);
  });
});

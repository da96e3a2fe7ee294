import { describe, expect, it } from 'vitest';
import { applyCommand } from '../../lib/core/commands.js';
import type { DecideInput } from '../../lib/core/contract.js';
import { converge } from '../../lib/core/converge.js';
import { decide as decideOnce, isCheckDue } from '../../lib/core/decide.js';
import { newRollout, supersede } from '../../lib/core/rollout-start.js';
import type { Judge } from '../../lib/model/judge.js';
import type { ClusterView, MetricsWindow } from '../../lib/model/observation.js';
import type { Policy } from '../../lib/model/policy.js';
import type { Rollout } from '../../lib/model/rollout.js';
import { deepFreeze } from '../support/deep-freeze.js';
import { applyActions } from './cluster-double.js';
import { deployment, policyOf, scriptedJudge, T0, viewOf, windowOf } from './fixtures.js';

/**
 * Every decide() of these tables gets deep-frozen input: the core must never write to what it is given (a write
 * would throw here), so a caller's rollout, policy, view and metrics are the same after the call.
 */
const decide = (input: DecideInput) => decideOnce(deepFreeze(input));

const MIN = 60_000;

function start(policy: Policy, image: string | null = 'podinfo:6.5.1'): Rollout {
  return newRollout({
    id: 'podinfo-1',
    target: 'podinfo',
    cluster: 'sim',
    revision: '6.5.1',
    image,
    source: { kind: 'webhook' },
    policy,
    now: T0,
  }).rollout;
}

/** Drives one rollout tick by tick against a cooperative cluster, like the engine does. */
class Driver {
  now = T0;
  decisions: string[] = [];
  constructor(
    public rollout: Rollout,
    public policy: Policy,
    public judge: Judge,
    public view: ClusterView,
    public traffic: (weight: number) => MetricsWindow | null = (w) => windowOf(w),
  ) {}
  tick(advanceMs = MIN): this {
    this.now += advanceMs;
    const metrics = isCheckDue(this.rollout, this.now) ? this.traffic(this.view.weights.canary) : undefined;
    const out = decide({
      rollout: this.rollout,
      policy: this.policy,
      judge: this.judge,
      now: this.now,
      view: this.view,
      metrics,
    });
    if (out.decision) this.decisions.push(`${out.decision.action}:${out.decision.rule}`);
    this.rollout = out.rollout;
    this.view = applyActions(this.view, out.actions);
    return this;
  }
  get state(): [Rollout['phase'], number, number] {
    return [this.rollout.phase, this.rollout.canaryWeight, this.view.weights.canary];
  }
}

describe('decide: a healthy rollout, tick by tick', () => {
  it('prepares the canary, walks the steps, asks for approval, promotes and cleans up', () => {
    const policy = policyOf();
    const d = new Driver(
      start(policy),
      policy,
      scriptedJudge([]),
      viewOf(0, {
        canary: deployment('podinfo-canary', {
          replicas: 0,
          available: false,
          availableReplicas: 0,
          image: 'podinfo:6.5.0',
          podSpecHash: 'hash-new',
        }),
      }),
    );
    d.tick(0);
    expect(d.rollout.phase).toBe('pending');
    expect(d.view.canary.image).toBe('podinfo:6.5.1'); // prepareCanary ran
    expect(d.view.canary.replicas).toBe(2);
    d.tick(1000);
    expect(d.state).toEqual(['progressing', 10, 10]);
    d.tick();
    expect(d.state).toEqual(['progressing', 30, 30]);
    d.tick();
    expect(d.state).toEqual(['progressing', 50, 50]);
    d.tick();
    expect(d.rollout.phase).toBe('awaiting_approval');
    expect(d.rollout.approval).toMatchObject({ gate: 'promotion', revision: '6.5.1' });
    expect(d.view.weights.canary).toBe(50);
    const approved = applyCommand({
      rollout: d.rollout,
      command: { kind: 'approve', actor: 'U1', revision: '6.5.1', gate: 'promotion' },
      policy,
      approvers: ['U1'],
      now: d.now,
    });
    if (!approved.ok) throw new Error(approved.error);
    d.rollout = approved.rollout;
    d.tick(1000);
    expect(d.view.primary.podSpecHash).toBe('hash-new'); // promote copied the canary's pod spec
    expect(d.state).toEqual(['promoting', 50, 50]); // traffic stays until the primary runs it
    d.tick(1000);
    expect(d.state).toEqual(['promoting', 0, 0]); // primary available: all traffic back to it
    d.tick(1000);
    expect(d.view.canary.replicas).toBe(0);
    d.tick(1000);
    expect(d.rollout.phase).toBe('succeeded');
    expect(d.decisions).toEqual([
      'wait:canary_not_ready',
      'advance:canary_ready',
      'advance:judge.scripted.pass',
      'advance:judge.scripted.pass',
      'request_approval:judge.scripted.pass',
      'promote:primary_available',
      'complete:promoted',
    ]);
    // Converged: nothing left to do, and a terminal rollout never changes again.
    expect(converge(d.rollout, d.view)).toEqual([]);
    const again = decide({
      rollout: d.rollout,
      policy,
      judge: scriptedJudge([]),
      now: d.now + MIN,
      view: d.view,
      metrics: windowOf(0),
    });
    expect(again.rollout).toBe(d.rollout);
    expect(again.actions).toEqual([]);
  });

  it('promotes without approval when the policy says so', () => {
    const policy = policyOf({ approval: { beforePromotion: false } });
    const d = new Driver(start(policy), policy, scriptedJudge([]), viewOf(0));
    d.tick(0).tick().tick().tick();
    expect(d.rollout.phase).toBe('promoting');
  });

  it('asks before every traffic increase when configured, bound to the step', () => {
    const policy = policyOf({ approval: { beforeEachStep: true, beforePromotion: true } });
    const d = new Driver(start(policy), policy, scriptedJudge([]), viewOf(0));
    d.tick(0);
    expect(d.rollout.phase).toBe('awaiting_approval');
    expect(d.rollout.approval?.gate).toBe('step:0');
    const wrongGate = applyCommand({
      rollout: d.rollout,
      command: { kind: 'approve', actor: 'U1', gate: 'promotion' },
      policy,
      approvers: ['U1'],
      now: d.now,
    });
    expect(wrongGate).toMatchObject({ ok: false, status: 409 });
    const ok = applyCommand({
      rollout: d.rollout,
      command: { kind: 'approve', actor: 'U1', gate: 'step:0' },
      policy,
      approvers: ['U1'],
      now: d.now,
    });
    if (!ok.ok) throw new Error(ok.error);
    d.rollout = ok.rollout;
    d.tick(0);
    expect(d.state).toEqual(['progressing', 10, 10]);
  });
});

describe('decide: bad canaries and holds', () => {
  it('counts failed checks, holds the weight, and rolls back when the judge says so', () => {
    const policy = policyOf();
    const judge = scriptedJudge(['pass', 'fail', 'fail', 'rollback']);
    const d = new Driver(start(policy), policy, judge, viewOf(0));
    d.tick(0).tick();
    expect(d.state).toEqual(['progressing', 30, 30]);
    d.tick();
    expect(d.rollout.failedChecks).toBe(1);
    expect(d.state).toEqual(['progressing', 30, 30]);
    d.tick();
    expect(d.rollout.failedChecks).toBe(2);
    d.tick();
    expect(d.rollout.phase).toBe('rolling_back');
    expect(d.view.weights.canary).toBe(0);
    expect(d.rollout.lastDecision?.explanation?.rule).toBe('scripted.rollback');
    expect(d.rollout.lastDecision?.metrics).toBeDefined();
    d.tick(1000);
    expect(d.view.canary.replicas).toBe(0);
    d.tick(1000);
    expect(d.rollout.phase).toBe('failed');
  });

  it('treats inconclusive windows as holds, not failures, and asks a person at the progress deadline', () => {
    const policy = policyOf({ progressDeadlineSeconds: 300 });
    const judge = scriptedJudge(Array(20).fill('inconclusive'));
    const d = new Driver(start(policy), policy, judge, viewOf(0));
    d.tick(0);
    for (let i = 0; i < 5; i++) d.tick();
    expect(d.state).toEqual(['progressing', 10, 10]);
    expect(d.rollout.failedChecks).toBe(0);
    d.tick();
    expect(d.rollout.phase).toBe('awaiting_approval');
    expect(d.rollout.approval?.gate).toBe('evidence');
    expect(d.rollout.lastDecision?.rule).toBe('evidence_inconclusive');
    expect(d.rollout.lastDecision?.reason).toMatch(
      /No decision after 5 minutes at 10%: the evidence is inconclusive/,
    );
    expect(d.rollout.lastDecision?.reason).toMatch(/Approve to promote it, or reject to roll it back/);
    // Still inconclusive while waiting: no automatic rollback; the canary keeps its weight.
    for (let i = 0; i < 3; i++) d.tick();
    expect(d.state).toEqual(['awaiting_approval', 10, 10]);
  });

  it('on the evidence gate, approve promotes and reject rolls back', () => {
    const policy = policyOf({ progressDeadlineSeconds: 120 });
    for (const kind of ['approve', 'reject'] as const) {
      const d = new Driver(start(policy), policy, scriptedJudge(Array(20).fill('inconclusive')), viewOf(0));
      d.tick(0);
      for (let i = 0; i < 4; i++) d.tick();
      expect(d.rollout.approval?.gate).toBe('evidence');
      const out = applyCommand({
        rollout: d.rollout,
        command: { kind, actor: 'U1', revision: '6.5.1', gate: 'evidence' },
        policy,
        approvers: ['U1'],
        now: d.now,
      });
      if (!out.ok) throw new Error(out.error);
      expect(out.rollout.phase).toBe(kind === 'approve' ? 'promoting' : 'rolling_back');
    }
  });

  it('resumes on its own when the evidence arrives while a person is being asked', () => {
    const policy = policyOf({ progressDeadlineSeconds: 120 });
    const judge = scriptedJudge([...Array(4).fill('inconclusive'), 'inconclusive', 'pass']);
    const d = new Driver(start(policy), policy, judge, viewOf(0));
    d.tick(0);
    for (let i = 0; i < 4; i++) d.tick();
    expect(d.rollout.approval?.gate).toBe('evidence');
    d.tick();
    d.tick();
    expect(d.state).toEqual(['progressing', 30, 30]);
    expect(d.rollout.approval).toBeNull();
  });

  it('rolls back or promotes at the deadline when onInconclusive says so', () => {
    for (const [choice, phase, rule] of [
      ['rollback', 'rolling_back', 'progress_deadline'],
      ['promote', 'promoting', 'inconclusive_promote'],
    ] as const) {
      const policy = policyOf({ progressDeadlineSeconds: 120, onInconclusive: choice });
      const d = new Driver(start(policy), policy, scriptedJudge(Array(20).fill('inconclusive')), viewOf(0));
      d.tick(0);
      for (let i = 0; i < 4; i++) d.tick();
      expect(d.rollout.phase).toBe(phase);
      expect(d.decisions).toContain(`${choice === 'rollback' ? 'rollback' : 'promote'}:${rule}`);
    }
  });

  it('holds on a shared incident under its own rule and tells Slack once', () => {
    const policy = policyOf();
    const incident: Judge = (input) => ({
      verdict: 'inconclusive',
      rollback: false,
      explanation: { judge: 'core', rule: 'shared_incident', summary: 'both sides below 99%', inputs: {} },
      state: input.state ?? {},
    });
    const rollout = {
      ...start(policy),
      phase: 'progressing' as const,
      stepIndex: 0,
      canaryWeight: 10,
      nextCheckAt: T0,
    };
    const first = decide({
      rollout,
      policy,
      judge: incident,
      now: T0,
      view: viewOf(10),
      metrics: windowOf(10),
    });
    expect(first.decision?.rule).toBe('shared_incident');
    expect(first.decision?.action).toBe('hold');
    expect(first.decision?.reason).toMatch(/shared incident/);
    expect(first.actions).toContainEqual({ type: 'notify' });
    const again = decide({
      rollout: { ...first.rollout, nextCheckAt: T0 + MIN },
      policy,
      judge: incident,
      now: T0 + MIN,
      view: viewOf(10),
      metrics: windowOf(10),
    });
    expect(again.decision?.rule).toBe('shared_incident');
    expect(again.actions).not.toContainEqual({ type: 'notify' });
  });

  it('rolls back a canary that never becomes available by the deadline', () => {
    const policy = policyOf({ progressDeadlineSeconds: 120 });
    const notReady = deployment('podinfo-canary', {
      image: 'podinfo:6.5.1',
      available: false,
      availableReplicas: 0,
    });
    let view = viewOf(0, { canary: notReady });
    let rollout = start(policy);
    const seen: string[] = [];
    for (const t of [0, 60_000, 121_000]) {
      const out = decide({ rollout, policy, judge: scriptedJudge([]), now: T0 + t, view });
      rollout = out.rollout;
      view = applyActions(
        view,
        out.actions.filter((a) => a.type !== 'prepareCanary'),
      );
      seen.push(rollout.phase);
    }
    expect(seen).toEqual(['pending', 'pending', 'rolling_back']);
    expect(rollout.lastDecision?.reason).toMatch(/not available/);
  });

  it('does not judge while the router has not taken the intended weight', () => {
    const policy = policyOf();
    const judge = scriptedJudge([]);
    let rollout = start(policy);
    rollout = decide({ rollout, policy, judge, now: T0, view: viewOf(0) }).rollout;
    expect(rollout.canaryWeight).toBe(10);
    const stale = decide({ rollout, policy, judge, now: T0 + MIN, view: viewOf(0), metrics: windowOf(0) });
    expect(judge.calls).toEqual([]);
    expect(stale.decision?.rule).toBe('weights_not_converged');
    expect(stale.actions).toContainEqual({ type: 'setWeights', weights: { primary: 90, canary: 10 } });
  });

  it('does not judge the window in which the canary is prepared again (scaled to zero mid-rollout)', () => {
    const policy = policyOf();
    const judge = scriptedJudge(['pass']);
    const rollout = decide({ rollout: start(policy), policy, judge, now: T0, view: viewOf(0) }).rollout;
    expect(rollout.canaryWeight).toBe(10);
    const drifted = viewOf(10, {
      canary: deployment('podinfo-canary', {
        image: 'podinfo:6.5.1',
        replicas: 0,
        availableReplicas: 0,
        available: false,
      }),
    });
    const out = decide({ rollout, policy, judge, now: T0 + MIN, view: drifted, metrics: windowOf(10) });
    expect(judge.calls).toEqual([]);
    expect(out.decision?.rule).toBe('canary_drifted');
    expect(out.rollout).toMatchObject({ phase: 'progressing', canaryWeight: 10, nextCheckAt: T0 + 2 * MIN });
    expect(out.actions).toContainEqual({ type: 'prepareCanary', image: 'podinfo:6.5.1', replicas: 2 });
    // Once the canary runs again, the next due check is judged as usual.
    const next = decide({
      rollout: out.rollout,
      policy,
      judge,
      now: T0 + 2 * MIN,
      view: viewOf(10),
      metrics: windowOf(10),
    });
    expect(judge.calls).toHaveLength(1);
    expect(next.decision?.action).toBe('advance');
  });

  it('holds when the observed traffic share contradicts the weight (closed loop)', () => {
    const policy = policyOf();
    const judge = scriptedJudge([]);
    let rollout = decide({ rollout: start(policy), policy, judge, now: T0, view: viewOf(0) }).rollout;
    // Weight says 10%, but only 1% of requests reached the canary (unmeshed clients).
    const out = decide({
      rollout,
      policy,
      judge,
      now: T0 + MIN,
      view: viewOf(10),
      metrics: windowOf(1, 2000),
    });
    rollout = out.rollout;
    expect(judge.calls).toEqual([]);
    expect(out.decision?.rule).toBe('traffic_share_mismatch');
    expect(out.decision?.reason).toMatch(/1\.0% of 2000 requests reached the canary, expected 10%/);
    expect(rollout.phase).toBe('progressing');
    expect(rollout.failedChecks).toBe(0);
    // A share within binomial noise is judged normally.
    const fine = decide({
      rollout,
      policy,
      judge,
      now: T0 + 2 * MIN,
      view: viewOf(10),
      metrics: windowOf(12, 2000),
    });
    expect(judge.calls).toEqual([0]);
    expect(fine.rollout.canaryWeight).toBe(30);
  });

  it('holds without rolling back when the cluster cannot be read, and says why once', () => {
    const policy = policyOf({ progressDeadlineSeconds: 60 });
    const rollout = decide({
      rollout: start(policy),
      policy,
      judge: scriptedJudge([]),
      now: T0,
      view: viewOf(0),
    }).rollout;
    const viewError = { kind: 'unavailable' as const, message: 'connect ETIMEDOUT' };
    const first = decide({
      rollout,
      policy,
      judge: scriptedJudge([]),
      now: T0 + 10 * MIN,
      view: null,
      viewError,
    });
    expect(first.rollout.phase).toBe('progressing');
    expect(first.decision?.rule).toBe('cluster_unavailable');
    expect(first.actions).toEqual([]);
    const second = decide({
      rollout: first.rollout,
      policy,
      judge: scriptedJudge([]),
      now: T0 + 11 * MIN,
      view: null,
      viewError,
    });
    expect(second.decision).toBeNull();
    expect(second.rollout.version).toBe(first.rollout.version);
  });

  it('holds when the metric source is unavailable, without counting a failure', () => {
    const policy = policyOf();
    const judge = scriptedJudge([]);
    const rollout = decide({ rollout: start(policy), policy, judge, now: T0, view: viewOf(0) }).rollout;
    const out = decide({ rollout, policy, judge, now: T0 + MIN, view: viewOf(10), metrics: null });
    expect(out.decision?.rule).toBe('metrics_unavailable');
    expect(out.rollout.failedChecks).toBe(0);
    expect(out.rollout.nextCheckAt).toBe(T0 + 2 * MIN);
    expect(judge.calls).toEqual([]);
  });

  it('keeps judging while awaiting approval and rolls back a canary that turns bad', () => {
    const policy = policyOf({ stepWeights: [20] });
    const d = new Driver(start(policy), policy, scriptedJudge(['pass', 'rollback']), viewOf(0));
    d.tick(0).tick();
    expect(d.rollout.phase).toBe('awaiting_approval');
    d.tick();
    expect(d.rollout.phase).toBe('rolling_back');
    expect(d.rollout.lastDecision?.reason).toMatch(/while awaiting approval/);
  });

  it('records every window judged while awaiting approval, with its metrics, without notifying', () => {
    const policy = policyOf({ stepWeights: [20] });
    const d = new Driver(start(policy), policy, scriptedJudge(['pass', 'pass', 'inconclusive']), viewOf(0));
    d.tick(0).tick();
    expect(d.rollout.phase).toBe('awaiting_approval');
    const before = d.rollout;
    const now = d.now + MIN;
    const metrics = windowOf(20, 1000, 3);
    const out = decide({ rollout: before, policy, judge: d.judge, now, view: d.view, metrics });
    expect(out.rollout.phase).toBe('awaiting_approval');
    expect(out.rollout.approval).toEqual(before.approval);
    expect(out.decision).toMatchObject({
      action: 'hold',
      rule: 'judge.scripted.pass',
      fromPhase: 'awaiting_approval',
      toPhase: 'awaiting_approval',
      weight: 20,
      metrics,
    });
    expect(out.decision?.reason).toMatch(/^awaiting approval at 20%: scripted pass/);
    expect(out.rollout.nextCheckAt).toBe(now + policy.intervalSeconds * 1000);
    expect(out.actions.some((a) => a.type === 'notify')).toBe(false);
    // An inconclusive window is recorded too; the approval still stands.
    d.rollout = out.rollout;
    d.now = now;
    d.tick();
    expect(d.decisions.at(-1)).toBe('hold:judge.scripted.inconclusive');
    expect(d.rollout.phase).toBe('awaiting_approval');
  });

  it('rolls back when nobody approves in time', () => {
    const policy = policyOf({ stepWeights: [20], approval: { timeoutSeconds: 120 } });
    const d = new Driver(start(policy), policy, scriptedJudge(Array(10).fill('pass')), viewOf(0));
    d.tick(0).tick().tick().tick().tick();
    expect(d.rollout.phase).toBe('rolling_back');
    expect(d.rollout.lastDecision?.rule).toBe('approval_timeout');
  });
});

describe('level-triggered convergence', () => {
  it('heals a crash between saving the intent and patching the router', () => {
    const policy = policyOf();
    const rollout = decide({
      rollout: start(policy),
      policy,
      judge: scriptedJudge([]),
      now: T0,
      view: viewOf(0),
    }).rollout;
    // The tick saved progressing@10 and crashed before patching: the cluster still shows 0.
    const next = decide({ rollout, policy, judge: scriptedJudge([]), now: T0 + 1000, view: viewOf(0) });
    expect(next.rollout.version).toBe(rollout.version);
    expect(next.actions).toEqual([{ type: 'setWeights', weights: { primary: 90, canary: 10 } }]);
    // Once converged, running again asks for nothing.
    expect(converge(rollout, viewOf(10))).toEqual([]);
  });

  it('a superseded rollout is terminal and routes nothing to the canary', () => {
    const policy = policyOf();
    const rollout = decide({
      rollout: start(policy),
      policy,
      judge: scriptedJudge([]),
      now: T0,
      view: viewOf(0),
    }).rollout;
    const { rollout: old, decision } = supersede(rollout, 'podinfo-2', T0 + 5);
    expect(old.phase).toBe('superseded');
    expect(old.version).toBe(rollout.version + 1);
    expect(decision.reason).toBe('superseded by podinfo-2');
    expect(converge(old, viewOf(10))).toEqual([{ type: 'setWeights', weights: { primary: 100, canary: 0 } }]);
  });
});

describe('applyCommand', () => {
  const policy = policyOf({ stepWeights: [20] });
  const awaiting = (() => {
    const d = new Driver(start(policy), policy, scriptedJudge([]), viewOf(0));
    d.tick(0).tick();
    return d;
  })();
  const run = (command: Parameters<typeof applyCommand>[0]['command'], now = awaiting.now) =>
    applyCommand({ rollout: awaiting.rollout, command, policy, approvers: ['U1'], now });

  it('only lets the target approvers act', () => {
    expect(run({ kind: 'approve', actor: 'U9' })).toMatchObject({ ok: false, status: 403 });
    expect(run({ kind: 'abort', actor: 'U9' })).toMatchObject({ ok: false, status: 403 });
  });

  it('binds an approval to the revision it was requested for', () => {
    const stale = run({ kind: 'approve', actor: 'U1', revision: '6.5.0' });
    expect(stale).toMatchObject({ ok: false, status: 409 });
    if (!stale.ok) expect(stale.error).toMatch(/requested for revision 6\.5\.0.*awaits revision 6\.5\.1/);
    expect(run({ kind: 'approve', actor: 'U1', revision: '6.5.1' })).toMatchObject({
      ok: true,
      rollout: { phase: 'promoting' },
    });
  });

  it('refuses an expired approval, and rejection rolls back', () => {
    expect(run({ kind: 'approve', actor: 'U1' }, awaiting.now + 2 * 3600_000)).toMatchObject({
      ok: false,
      status: 409,
    });
    const rejected = run({ kind: 'reject', actor: 'U1', reason: 'p99 looks odd' });
    expect(rejected).toMatchObject({
      ok: true,
      rollout: { phase: 'rolling_back', reason: 'rejected by U1: p99 looks odd' },
    });
  });

  it('pauses and resumes where it was, with a fresh approval window', () => {
    const paused = run({ kind: 'pause', actor: 'U1' });
    if (!paused.ok) throw new Error(paused.error);
    expect(paused.rollout).toMatchObject({ phase: 'paused', pausedFrom: 'awaiting_approval' });
    const later = awaiting.now + 3 * 3600_000;
    const resumed = applyCommand({
      rollout: paused.rollout,
      command: { kind: 'resume', actor: 'U1' },
      policy,
      approvers: ['U1'],
      now: later,
    });
    if (!resumed.ok) throw new Error(resumed.error);
    expect(resumed.rollout.phase).toBe('awaiting_approval');
    expect(resumed.rollout.approval?.expiresAt).toBe(later + 3600_000);
    expect(
      applyCommand({
        rollout: resumed.rollout,
        command: { kind: 'resume', actor: 'U1' },
        policy,
        approvers: ['U1'],
        now: later,
      }),
    ).toMatchObject({ ok: false, status: 409 });
  });

  it('a decision by a person makes the rollout due at once, so the next tick moves the cluster', () => {
    // The tick visits only due rollouts; an approval, a rejection or an abort must not wait an interval.
    const later = awaiting.now + 10_000;
    expect(awaiting.rollout.nextCheckAt).toBeGreaterThan(later);
    for (const command of [
      { kind: 'approve', actor: 'U1' },
      { kind: 'reject', actor: 'U1' },
      { kind: 'abort', actor: 'U1' },
      { kind: 'promote', actor: 'U1', reason: 'hotfix' },
    ] as const) {
      const out = run(command, later);
      if (!out.ok) throw new Error(`${command.kind}: ${out.error}`);
      expect(out.rollout.nextCheckAt, command.kind).toBe(later);
    }
  });

  it('aborts to a rollback, but not once promotion started', () => {
    expect(run({ kind: 'abort', actor: 'U1' })).toMatchObject({
      ok: true,
      rollout: { phase: 'rolling_back' },
    });
    const promoting = run({ kind: 'approve', actor: 'U1' });
    if (!promoting.ok) throw new Error(promoting.error);
    expect(
      applyCommand({
        rollout: promoting.rollout,
        command: { kind: 'abort', actor: 'U1' },
        policy,
        approvers: ['U1'],
        now: awaiting.now,
      }),
    ).toMatchObject({ ok: false, status: 409 });
  });
});

describe('decide: the router weights it observed', () => {
  it('records what the router showed whenever it changes, with a decision or without, and then leaves it', () => {
    const policy = policyOf();
    const judge = scriptedJudge([]);
    // The first tick enters step 1 (a decision): the weights it read (0%) go with it.
    const entered = decide({ rollout: start(policy), policy, judge, now: T0, view: viewOf(0) });
    expect(entered.decision?.rule).toBe('canary_ready');
    expect(entered.rollout.observedWeights).toEqual({ primary: 100, canary: 0 });

    // Before the next check the router has taken 10%: nothing to decide, yet the change is recorded (a save).
    const seen = decide({ rollout: entered.rollout, policy, judge, now: T0 + 1_000, view: viewOf(10) });
    expect(seen.decision).toBeNull();
    expect(seen.rollout.version).toBe(entered.rollout.version + 1);
    expect(seen.rollout.observedWeights).toEqual({ primary: 90, canary: 10 });
    expect(seen.rollout.phase).toBe(entered.rollout.phase);
    expect(seen.rollout.canaryWeight).toBe(entered.rollout.canaryWeight);

    // Same weights again: nothing to save, the caller's object comes back.
    const again = decide({ rollout: seen.rollout, policy, judge, now: T0 + 2_000, view: viewOf(10) });
    expect(again.rollout).toBe(seen.rollout);
    expect(again.actions).toEqual([]);
  });

  it('never writes to its input, whatever the router shows (the observation goes on a copy)', () => {
    const policy = policyOf();
    const rollout = start(policy);
    const view = viewOf(0);
    const before = structuredClone({ rollout, view });
    // Called without the freezing wrapper: the check is that the values are unchanged after the call.
    const out = decideOnce({ rollout, policy, judge: scriptedJudge([]), now: T0, view });
    expect({ rollout, view }).toEqual(before);
    expect(out.rollout).not.toBe(rollout);
    // The recorded weights are the rollout's own copy, not the caller's view object.
    expect(out.rollout.observedWeights).not.toBe(view.weights);
  });
});

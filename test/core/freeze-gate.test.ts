import { describe, expect, it } from 'vitest';
import { activeFreezes } from '../../lib/core/active-freezes.js';
import { applyCommand } from '../../lib/core/commands.js';
import { isCheckDue } from '../../lib/core/decide.js';
import {
  decideUnderFreeze as decideUnderFreezeOnce,
  type FrozenDecideInput,
} from '../../lib/core/freeze-gate.js';
import { newRollout } from '../../lib/core/rollout-start.js';
import type { ActiveFreeze, Freeze } from '../../lib/model/freeze.js';
import type { Judge } from '../../lib/model/judge.js';
import type { ClusterView } from '../../lib/model/observation.js';
import type { Policy } from '../../lib/model/policy.js';
import type { Rollout } from '../../lib/model/rollout.js';
import { deepFreeze } from '../support/deep-freeze.js';
import { applyActions } from './cluster-double.js';
import { deployment, policyOf, scriptedJudge, T0, viewOf, windowOf } from './fixtures.js';

/** Deep-frozen input on every call: the core must never write to what it is given. */
const decideUnderFreeze = (input: FrozenDecideInput) => decideUnderFreezeOnce(deepFreeze(input));

const MIN = 60_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('activeFreezes: which freezes hold a target at an instant', () => {
  // T0 is Thursday 2026-11-26T12:00:00Z.
  const freezes: Freeze[] = [
    { name: 'fixed', from: iso(T0), to: iso(T0 + HOUR), targets: ['*'], reason: 'release party' },
    { name: 'saturdays', cron: '0 0 * * SAT', durationHours: 48, targets: ['eu'] },
    { name: 'paris-nights', cron: '0 22 * * *', timezone: 'Europe/Paris', durationHours: 2, targets: ['us'] },
  ];
  const names = (target: string, at: number) => activeFreezes(freezes, target, at).map((f) => f.name);
  const saturday = Date.UTC(2026, 10, 28);

  it.each([
    ['eu', T0 - 1, []],
    ['eu', T0, ['fixed']],
    // `to` is included: the last millisecond of the window is frozen, the next is not.
    ['eu', T0 + HOUR, ['fixed']],
    ['eu', T0 + HOUR + 1, []],
    ['eu', saturday - 1, []],
    ['eu', saturday, ['saturdays']],
    ['eu', saturday + 48 * HOUR - 1, ['saturdays']],
    ['eu', saturday + 48 * HOUR, []],
    ['us', saturday, []],
    // 22:00 in Paris is 21:00 UTC in November (CET, UTC+1).
    ['us', Date.UTC(2026, 10, 26, 20, 59, 59), []],
    ['us', Date.UTC(2026, 10, 26, 21, 0, 0), ['paris-nights']],
    ['us', Date.UTC(2026, 10, 26, 22, 59, 59, 999), ['paris-nights']],
    ['us', Date.UTC(2026, 10, 26, 23, 0, 0), []],
  ] as const)('%s at %# → %j', (target, at, expected) => {
    expect(names(target, at)).toEqual(expected);
  });

  it('says why and until when', () => {
    expect(activeFreezes(freezes, 'eu', saturday + 1)).toEqual([
      { name: 'saturdays', reason: 'freeze saturdays', from: saturday, to: saturday + 48 * HOUR },
    ]);
    expect(activeFreezes(freezes, 'eu', T0)[0]).toMatchObject({ reason: 'release party', to: T0 + HOUR + 1 });
  });
});

const FREEZE: ActiveFreeze = { name: 'black-friday', reason: 'peak traffic', from: T0, to: T0 + 10 * HOUR };

function pending(policy: Policy): Rollout {
  return newRollout({
    id: 'podinfo-1',
    target: 'podinfo',
    cluster: 'sim',
    revision: '6.5.1',
    image: 'podinfo:6.5.1',
    source: { kind: 'webhook' },
    policy,
    now: T0,
  }).rollout;
}

/** The engine's loop with a freeze switched on and off by the test. */
class Driver {
  now = T0;
  frozen = false;
  decisions: string[] = [];
  actions: string[] = [];
  constructor(
    public rollout: Rollout,
    public policy: Policy,
    public judge: Judge,
    public view: ClusterView,
  ) {}
  tick(advanceMs = MIN): this {
    this.now += advanceMs;
    const before = structuredClone(this.rollout);
    const out = decideUnderFreeze({
      rollout: this.rollout,
      policy: this.policy,
      judge: this.judge,
      now: this.now,
      view: this.view,
      metrics: isCheckDue(this.rollout, this.now) ? windowOf(this.view.weights.canary) : undefined,
      freezes: this.frozen ? [FREEZE] : [],
    });
    // Pure: the input is never changed.
    expect(this.rollout).toEqual(before);
    if (out.decision) this.decisions.push(`${out.decision.action}:${out.decision.rule}`);
    this.actions.push(...out.actions.map((a) => a.type));
    this.rollout = out.rollout;
    this.view = applyActions(this.view, out.actions);
    return this;
  }
  get state(): [Rollout['phase'], number, number] {
    return [this.rollout.phase, this.rollout.canaryWeight, this.view.weights.canary];
  }
}

const canaryDown = () =>
  viewOf(0, {
    canary: deployment('podinfo-canary', { replicas: 0, availableReplicas: 0, image: 'podinfo:6.5.0' }),
  });

describe('decideUnderFreeze', () => {
  it('a pending rollout waits with rule freeze and the reason, touches nothing, then starts when the freeze ends', () => {
    const policy = policyOf({ progressDeadlineSeconds: 300 });
    const d = new Driver(pending(policy), policy, scriptedJudge([]), canaryDown());
    d.frozen = true;
    d.tick();
    expect(d.rollout.phase).toBe('pending');
    expect(d.rollout.lastDecision).toMatchObject({
      action: 'hold',
      rule: 'freeze',
      reason: expect.stringContaining('black-friday (peak traffic) until'),
    });
    expect(d.rollout.freeze).toEqual({
      names: ['black-friday'],
      reason: expect.any(String),
      since: T0 + MIN,
    });
    // Far past the progress deadline: still pending, recorded once, no canary prepared.
    for (let i = 0; i < 20; i++) d.tick();
    expect(d.decisions).toEqual(['hold:freeze']);
    expect(d.actions).toEqual(['notify']);
    expect(d.view.canary.replicas).toBe(0);
    expect(d.state).toEqual(['pending', 0, 0]);

    d.frozen = false;
    d.tick();
    expect(d.decisions.at(-1)).toBe('resume:freeze_ended');
    expect(d.rollout.freeze).toBeNull();
    expect(d.rollout.progressAt).toBe(d.now);
    // The canary is prepared only now, and traffic moves on the next tick.
    expect(d.actions.at(-2)).toBe('prepareCanary');
    d.tick();
    expect(d.state).toEqual(['progressing', 10, 10]);
    expect(d.decisions).not.toContain('rollback:progress_deadline');
  });

  it('a rollout in progress holds its weight while frozen, keeps being judged, and steps on afterwards', () => {
    const policy = policyOf({ progressDeadlineSeconds: 300 });
    const judge = scriptedJudge([]);
    const d = new Driver(pending(policy), policy, judge, canaryDown());
    d.tick().tick();
    expect(d.state).toEqual(['progressing', 10, 10]);
    d.frozen = true;
    const judged = judge.calls.length;
    for (let i = 0; i < 12; i++) d.tick();
    expect(d.state).toEqual(['progressing', 10, 10]);
    expect(judge.calls.length).toBeGreaterThan(judged + 5);
    expect(d.decisions.filter((x) => x === 'hold:freeze')).toHaveLength(1);
    d.frozen = false;
    d.tick().tick();
    expect(d.decisions).toContain('resume:freeze_ended');
    expect(d.state).toEqual(['progressing', 30, 30]);
  });

  it('never freezes a rollback: a failing canary rolls back during a freeze', () => {
    const policy = policyOf();
    const d = new Driver(pending(policy), policy, scriptedJudge(['pass', 'rollback']), canaryDown());
    d.tick().tick();
    d.frozen = true;
    d.tick().tick().tick();
    expect(d.decisions).toContain('rollback:judge.scripted.rollback');
    d.tick().tick();
    expect(d.state).toEqual(['failed', 0, 0]);
  });

  it('does not stop a rollout that an approver unfroze, and refuses an approval while frozen', () => {
    const policy = policyOf({ stepWeights: [10] });
    const d = new Driver(pending(policy), policy, scriptedJudge([]), canaryDown());
    d.tick().tick().tick();
    expect(d.rollout.phase).toBe('awaiting_approval');
    const command = { kind: 'approve' as const, actor: 'U1' };
    const refused = applyCommand({
      rollout: d.rollout,
      command,
      policy,
      approvers: ['U1'],
      now: d.now,
      freezes: [FREEZE],
    });
    expect(refused).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining('unfreeze podinfo-1'),
    });

    const noReason = applyCommand({
      rollout: d.rollout,
      command: { kind: 'unfreeze', actor: 'U1' },
      policy,
      approvers: ['U1'],
      now: d.now,
      freezes: [FREEZE],
    });
    expect(noReason).toMatchObject({ ok: false, status: 422 });
    const stranger = applyCommand({
      rollout: d.rollout,
      command: { kind: 'unfreeze', actor: 'U2', reason: 'hotfix' },
      policy,
      approvers: ['U1'],
      now: d.now,
      freezes: [FREEZE],
    });
    expect(stranger).toMatchObject({ ok: false, status: 403 });
    const lifted = applyCommand({
      rollout: d.rollout,
      command: { kind: 'unfreeze', actor: 'U1', reason: 'security hotfix' },
      policy,
      approvers: ['U1'],
      now: d.now,
      freezes: [FREEZE],
    });
    if (!lifted.ok) throw new Error(lifted.error);
    expect(lifted.decision).toMatchObject({
      action: 'unfreeze',
      actor: 'U1',
      reason: expect.stringContaining('security hotfix'),
    });
    expect(lifted.rollout.freezeOverride).toEqual({ actor: 'U1', reason: 'security hotfix', at: d.now });
    const approved = applyCommand({
      rollout: lifted.rollout,
      command,
      policy,
      approvers: ['U1'],
      now: d.now,
      freezes: [FREEZE],
    });
    expect(approved).toMatchObject({ ok: true, rollout: { phase: 'promoting' } });
  });

  it('an unfrozen pending rollout starts during the freeze', () => {
    const policy = policyOf();
    const d = new Driver(pending(policy), policy, scriptedJudge([]), canaryDown());
    d.frozen = true;
    d.tick();
    const lifted = applyCommand({
      rollout: d.rollout,
      command: { kind: 'unfreeze', actor: 'U1', reason: 'customer outage fix' },
      policy,
      approvers: ['U1'],
      now: d.now,
      freezes: [FREEZE],
    });
    if (!lifted.ok) throw new Error(lifted.error);
    d.rollout = lifted.rollout;
    d.tick().tick();
    expect(d.decisions).toEqual(['hold:freeze', 'resume:freeze_ended', 'advance:canary_ready']);
    expect(d.state).toEqual(['progressing', 10, 10]);
  });
});

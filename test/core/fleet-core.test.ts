import { describe, expect, it } from 'vitest';
import { advanceFleet, recordMember } from '../../lib/core/fleet-advance.js';
import { applyFleetCommand } from '../../lib/core/fleet-commands.js';
import { newFleetRollout, supersedeFleet } from '../../lib/core/fleet-start.js';
import { type ResolvedFleet, WaveSchema } from '../../lib/model/fleet.js';
import type { FleetAction } from '../../lib/model/fleet-action.js';
import type { FleetMember, FleetRollout } from '../../lib/model/fleet-rollout.js';
import type { Phase } from '../../lib/model/rollout.js';
import { T0 } from './fixtures.js';

const SEC = 1000;

function fleetOf(rollbackPromotedWaves = false): ResolvedFleet {
  return {
    name: 'podinfo',
    waves: [
      WaveSchema.parse({ targets: ['staging'], bakeSeconds: 600 }),
      WaveSchema.parse({ targets: ['prod-eu', 'prod-us'], approval: true }),
    ],
    rollbackPromotedWaves,
    approvers: ['U1'],
    githubEnvironments: [],
  };
}

/**
 * Plays the engine around the pure fleet core: runs its actions (a started rollout gets the id
 * `<target>-<n>`), keeps the member phases the test sets, and records every decision and action.
 */
class FleetDriver {
  now = T0;
  members = new Map<string, FleetMember>();
  decisions: string[] = [];
  actions: string[] = [];
  fleet: FleetRollout;
  private seq = 0;
  constructor(
    definition: ResolvedFleet,
    previous: Record<string, { revision: string; image: string } | null> = {},
  ) {
    this.fleet = newFleetRollout({
      id: 'podinfo-1',
      fleet: definition,
      revision: 'r2',
      image: 'podinfo:r2',
      source: { kind: 'webhook' },
      now: T0,
    }).fleet;
    this.previous = previous;
  }
  private previous: Record<string, { revision: string; image: string } | null>;
  /** The member rollout started for `target` (its latest start). */
  member(target: string): FleetMember {
    const ids = this.fleet.waves.flatMap((w) => [w.rollouts[target], w.reverts[target]]).filter(Boolean);
    const member = this.members.get(ids.at(-1) as string);
    if (!member) throw new Error(`no rollout for ${target}`);
    return member;
  }
  set(target: string, phase: Phase, reason: string | null = null): this {
    const m = this.member(target);
    this.members.set(m.id, { ...m, phase, reason });
    return this;
  }
  run(actions: FleetAction[]): void {
    for (const a of actions) {
      this.actions.push(
        a.type === 'startRollout'
          ? `start:${a.target}`
          : a.type === 'abortRollout'
            ? `abort:${a.rolloutId}`
            : a.type === 'revertTarget'
              ? `revert:${a.target}@${a.revision}`
              : a.type,
      );
      if (a.type === 'startRollout' || a.type === 'revertTarget') {
        const id = `${a.target}-${++this.seq}`;
        this.members.set(id, { id, target: a.target, phase: 'progressing', reason: null });
        this.fleet = recordMember(
          this.fleet,
          a.wave,
          a.target,
          id,
          this.previous[a.target] ?? null,
          this.now,
          a.type === 'startRollout' ? 'rollouts' : 'reverts',
        );
      }
      if (a.type === 'abortRollout') {
        const m = this.members.get(a.rolloutId);
        if (m) this.members.set(m.id, { ...m, phase: 'failed', reason: a.reason });
      }
    }
  }
  tick(advanceMs = 60 * SEC): this {
    this.now += advanceMs;
    const before = structuredClone(this.fleet);
    const out = advanceFleet({ fleet: this.fleet, members: [...this.members.values()], now: this.now });
    expect(this.fleet).toEqual(before);
    if (out.decision) this.decisions.push(`${out.decision.action}:${out.decision.rule}`);
    if (out.fleet.version !== this.fleet.version) expect(out.fleet.version).toBe(this.fleet.version + 1);
    this.fleet = out.fleet;
    this.run(out.actions);
    return this;
  }
  command(kind: 'approve' | 'reject' | 'abort' | 'unfreeze', extra: Record<string, string> = {}) {
    const out = applyFleetCommand({
      fleet: this.fleet,
      command: { kind, actor: 'U1', ...extra },
      approvers: ['U1'],
      members: [...this.members.values()],
      now: this.now,
    });
    if (out.ok) {
      this.decisions.push(`${out.decision.action}:${out.decision.rule}`);
      this.fleet = out.fleet;
      this.run(out.actions);
    }
    return out;
  }
  get waves(): string[] {
    return this.fleet.waves.map((w) => w.status);
  }
}

describe('advanceFleet: waves in order', () => {
  it('staging promotes, bakes, asks for approval; the production wave runs both clusters at once', () => {
    const d = new FleetDriver(fleetOf());
    d.tick();
    expect(d.actions).toEqual(['start:staging', 'notify']);
    expect(d.waves).toEqual(['running', 'waiting']);
    d.tick().tick();
    expect(d.actions).toEqual(['start:staging', 'notify']);

    d.set('staging', 'succeeded').tick();
    expect(d.waves).toEqual(['baking', 'waiting']);
    expect(d.fleet.waves[0]?.promotedAt).toBe(d.now);
    const promotedAt = d.now;
    // The bake is counted from the promotion: 599 s later nothing, 600 s later the approval is asked.
    d.tick(599 * SEC);
    expect(d.waves).toEqual(['baking', 'waiting']);
    d.tick(1 * SEC);
    expect(d.now - promotedAt).toBe(600 * SEC);
    expect(d.waves).toEqual(['succeeded', 'awaiting_approval']);
    expect(d.fleet.phase).toBe('awaiting_approval');
    expect(d.fleet.lastDecision?.reason).toContain('approval requested to start wave 2 (prod-eu, prod-us)');
    // Waiting for a person: ticks do nothing.
    d.tick(3600 * SEC);
    expect(d.actions.filter((a) => a.startsWith('start:prod'))).toEqual([]);

    expect(
      d.command('approve', { gate: 'wave:2', revision: 'r2', reason: 'staging looks fine' }),
    ).toMatchObject({ ok: true });
    expect(d.actions.slice(-3)).toEqual(['start:prod-eu', 'start:prod-us', 'notify']);
    expect(d.fleet.waves[1]?.approvedBy).toEqual({ actor: 'U1', at: d.now, reason: 'staging looks fine' });
    expect(d.fleet.phase).toBe('progressing');

    d.set('prod-eu', 'succeeded').tick();
    expect(d.fleet.phase).toBe('progressing');
    d.set('prod-us', 'succeeded').tick();
    expect(d.fleet.phase).toBe('succeeded');
    expect(d.waves).toEqual(['succeeded', 'succeeded']);
    expect(d.decisions).toEqual([
      'start_wave:wave_started',
      'bake:wave_promoted',
      'request_approval:wave_approval',
      'approve:approved',
      'complete:fleet_promoted',
    ]);
    // Terminal: nothing more happens.
    const done = d.fleet;
    d.tick();
    expect(d.fleet).toBe(done);
  });

  it('asks again for a target whose rollout is not recorded yet (level-triggered)', () => {
    const d = new FleetDriver(fleetOf());
    const out = advanceFleet({ fleet: d.fleet, members: [], now: T0 + SEC });
    // The engine crashed before recording the start: the next tick asks for it again, without a new decision.
    const again = advanceFleet({ fleet: out.fleet, members: [], now: T0 + 2 * SEC });
    expect(again.decision).toBeNull();
    expect(again.actions).toEqual([{ type: 'startRollout', wave: 1, target: 'staging' }]);
    expect(again.fleet).toBe(out.fleet);
  });

  it('a wave without bake and approval starts as soon as the one before it succeeded', () => {
    const fleet = fleetOf();
    fleet.waves = [WaveSchema.parse({ targets: ['a'] }), WaveSchema.parse({ targets: ['b'] })];
    const d = new FleetDriver(fleet);
    d.tick().set('a', 'succeeded').tick();
    expect(d.waves).toEqual(['succeeded', 'running']);
    expect(d.actions).toEqual(['start:a', 'notify', 'start:b', 'notify']);
  });
});

describe('advanceFleet: stopping', () => {
  it('a failed rollout in wave 1 stops the fleet rollout: wave 2 never starts', () => {
    const d = new FleetDriver(fleetOf());
    d.tick().set('staging', 'failed', 'judge: errors 10%').tick();
    expect(d.fleet.phase).toBe('failed');
    expect(d.waves).toEqual(['failed', 'skipped']);
    expect(d.fleet.lastDecision?.reason).toBe(
      'staging-1 on staging failed (judge: errors 10%); wave 2 will not start',
    );
    for (let i = 0; i < 5; i++) d.tick(3600 * SEC);
    expect(d.command('approve')).toMatchObject({ ok: false, status: 409 });
    expect(d.actions).toEqual(['start:staging', 'notify', 'notify']);
  });

  it('a failure in wave 2 aborts its sibling, and promoted waves stay as they are', () => {
    const d = new FleetDriver(fleetOf());
    d.tick()
      .set('staging', 'succeeded')
      .tick()
      .tick(600 * SEC);
    d.command('approve');
    d.set('prod-eu', 'failed', 'rolled back').tick();
    expect(d.actions.slice(-2)).toEqual(['abort:prod-us-3', 'notify']);
    expect(d.waves).toEqual(['succeeded', 'failed']);
    expect(d.fleet.lastDecision?.reason).toContain('promoted waves stay as they are');
    expect(d.actions.some((a) => a.startsWith('revert'))).toBe(false);
  });

  it('with rollbackPromotedWaves, promoted waves go back to the revision they ran before', () => {
    const d = new FleetDriver(fleetOf(true), { staging: { revision: 'r1', image: 'podinfo:r1' } });
    d.tick()
      .set('staging', 'succeeded')
      .tick()
      .tick(600 * SEC);
    d.command('approve');
    d.set('prod-us', 'failed', 'rolled back').tick();
    expect(d.fleet.phase).toBe('rolling_back');
    expect(d.waves).toEqual(['reverting', 'failed']);
    expect(d.actions.slice(-3)).toEqual(['abort:prod-eu-2', 'revert:staging@r1', 'notify']);
    d.tick();
    expect(d.fleet.phase).toBe('rolling_back');
    d.set('staging', 'succeeded').tick();
    expect(d.fleet.phase).toBe('failed');
    expect(d.waves).toEqual(['reverted', 'failed']);
    expect(d.decisions.slice(-2)).toEqual([
      'revert:rollback_promoted_waves',
      'complete:promoted_waves_rolled_back',
    ]);
  });

  it('with rollbackPromotedWaves but nothing known to go back to, the fleet rollout just fails', () => {
    const d = new FleetDriver(fleetOf(true));
    d.tick()
      .set('staging', 'succeeded')
      .tick()
      .tick(600 * SEC);
    d.command('approve');
    d.set('prod-us', 'failed').tick().tick();
    expect(d.fleet.phase).toBe('failed');
    expect(d.actions.some((a) => a.startsWith('revert'))).toBe(false);
  });

  it('a newer revision supersedes the whole fleet rollout and aborts its rollouts under way', () => {
    const d = new FleetDriver(fleetOf());
    d.tick();
    const out = supersedeFleet(d.fleet, 'podinfo-2', [...d.members.values()], d.now);
    expect(out.fleet.phase).toBe('superseded');
    expect(out.fleet.waves.map((w) => w.status)).toEqual(['running', 'skipped']);
    expect(out.actions).toEqual([
      { type: 'abortRollout', rolloutId: 'staging-1', reason: 'superseded by podinfo-2' },
      { type: 'notify' },
    ]);
  });
});

describe('applyFleetCommand', () => {
  function atApproval(): FleetDriver {
    const d = new FleetDriver(fleetOf());
    d.tick()
      .set('staging', 'succeeded')
      .tick()
      .tick(600 * SEC);
    expect(d.fleet.phase).toBe('awaiting_approval');
    return d;
  }

  it.each([
    [{ kind: 'approve', actor: 'U9' }, 403, 'U9 is not an approver of fleet podinfo'],
    [{ kind: 'approve', actor: 'U1', gate: 'wave:1' }, 409, 'the pending gate is wave:2'],
    [{ kind: 'approve', actor: 'U1', revision: 'r1' }, 409, 'is rolling out r2'],
    [{ kind: 'unfreeze', actor: 'U1' }, 422, 'needs a reason'],
    [{ kind: 'pause', actor: 'U1' }, 409, 'acts on one rollout'],
  ] as const)('%j → %i', (command, status, error) => {
    const d = atApproval();
    const out = applyFleetCommand({ fleet: d.fleet, command, approvers: ['U1'], members: [], now: d.now });
    expect(out).toMatchObject({ ok: false, status, error: expect.stringContaining(error) });
  });

  it('reject stops the fleet rollout before the wave', () => {
    const d = atApproval();
    expect(d.command('reject', { reason: 'not today' })).toMatchObject({ ok: true });
    expect(d.fleet.phase).toBe('failed');
    expect(d.waves).toEqual(['succeeded', 'skipped']);
  });

  it('abort stops everything under way', () => {
    const d = new FleetDriver(fleetOf());
    d.tick();
    d.command('abort', { reason: 'wrong build' });
    expect(d.fleet.phase).toBe('failed');
    expect(d.actions.slice(-2)).toEqual(['abort:staging-1', 'notify']);
    expect(d.waves).toEqual(['failed', 'skipped']);
  });

  it('unfreeze is recorded with the actor and reason, and lifted on the rollouts under way', () => {
    const d = new FleetDriver(fleetOf());
    d.tick();
    const out = d.command('unfreeze', { reason: 'security fix' });
    expect(out).toMatchObject({ ok: true, decision: { action: 'unfreeze', actor: 'U1' } });
    expect(d.fleet.freezeOverride).toEqual({ actor: 'U1', reason: 'security fix', at: d.now });
    expect(d.actions.slice(-2)).toEqual(['unfreezeRollout', 'notify']);
    expect(d.command('unfreeze', { reason: 'again' })).toMatchObject({ ok: false, status: 409 });
  });
});

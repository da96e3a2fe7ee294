import { describe, expect, it } from 'vitest';
import { rolloutDetail } from '../../lib/cli/rollout-detail.js';
import { toStatus } from '../../lib/engine/status-view.js';
import type { Decision } from '../../lib/model/rollout.js';
import { awaitingApproval, NOW, POLICY } from '../functions/fixtures.js';

describe('aviary get rollout: decisions', () => {
  it('folds holds in a row into one row, keeping the approval request in view', () => {
    const rollout = awaitingApproval();
    const asked = rollout.lastDecision as Decision;
    const hold = (i: number): Decision => ({
      ...asked,
      at: asked.at + i * 30_000,
      action: 'hold',
      rule: 'judge.sprt.accept',
      fromPhase: 'awaiting_approval',
      toPhase: 'awaiting_approval',
      reason: `awaiting approval at 50%: window ${i}`,
    });
    const history = [asked, ...Array.from({ length: 20 }, (_, i) => hold(i + 1))];
    const text = rolloutDetail(toStatus(rollout, POLICY, history), NOW, {
      viewUrl: 'http://x/ui/rollouts/podinfo-1',
    });
    expect(text).toMatch(/request_approval/);
    expect(text).toMatch(/hold ×20 +awaiting_approval→awaiting_approval/);
    expect(text.match(/judge.sprt.accept/g)).toHaveLength(1);
    expect(text).toContain('Page:       http://x/ui/rollouts/podinfo-1');
  });
});

describe('aviary get rollout: the router weights the last tick read', () => {
  it('shows the split in force beside the intended weight, and says when they differ', () => {
    const rollout = awaitingApproval();
    const intended = rollout.canaryWeight;
    const agreeing = { ...rollout, observedWeights: { primary: 100 - intended, canary: intended } };
    expect(toStatus(agreeing, POLICY, []).observedWeights).toEqual(agreeing.observedWeights);
    const text = rolloutDetail(toStatus(agreeing, POLICY, []), NOW);
    expect(text).toContain(`Router:     ${intended}% to the canary when last read\n`);

    const behind = { ...rollout, observedWeights: { primary: 100, canary: 0 } };
    expect(rolloutDetail(toStatus(behind, POLICY, []), NOW)).toContain(
      'Router:     0% to the canary when last read, converging on the intended weight',
    );
    expect(rolloutDetail(toStatus({ ...rollout, observedWeights: null }, POLICY, []), NOW)).not.toContain(
      'Router:',
    );
  });
});

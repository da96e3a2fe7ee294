import { describe, expect, it } from 'vitest';
import { approvalReminderDue } from '../../lib/core/approval-reminder.js';
import { PolicySchema } from '../../lib/model/policy.js';
import { NOW, pendingRollout } from '../functions/fixtures.js';

const policy = PolicySchema.parse({
  stepWeights: [10, 50],
  approval: { beforePromotion: true, timeoutSeconds: 600 },
});
const waiting = (patch: Record<string, unknown> = {}) =>
  pendingRollout({
    phase: 'awaiting_approval',
    approval: {
      gate: 'promotion',
      revision: 'abc1234',
      requestedAt: NOW,
      expiresAt: NOW + 600_000,
      ...patch,
    },
  });

describe('approvalReminderDue', () => {
  it.each([
    ['with more than half the time left', waiting(), NOW + 299_000, false],
    ['at half the time', waiting(), NOW + 300_000, true],
    ['later, not reminded yet', waiting(), NOW + 500_000, true],
    ['already reminded', waiting({ remindedAt: NOW + 300_000 }), NOW + 400_000, false],
    ['after expiry (the timeout handles it)', waiting(), NOW + 600_001, false],
    ['when no approval is pending', pendingRollout({ phase: 'progressing' }), NOW + 500_000, false],
  ])('%s → %s', (_name, rollout, now, due) => {
    const out = approvalReminderDue(rollout, policy, now);
    expect(out !== null).toBe(due);
    if (out) {
      expect(out.approval?.remindedAt).toBe(now);
      expect(rollout.approval?.remindedAt).not.toBe(now); // the input is not mutated
    }
  });
});

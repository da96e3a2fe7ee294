import { describe, expect, it } from 'vitest';
import { createConsoleNotifier } from '../../lib/notify/console-notifier.js';
import { awaitingApproval, NOW, pendingRollout, TARGET } from '../functions/fixtures.js';

describe('console notifier', () => {
  it('prints one line per transition with target, revision, phase, weight, rule and summary', async () => {
    const lines: string[] = [];
    const notifier = createConsoleNotifier({ write: (l) => lines.push(l), clock: () => NOW });
    expect(await notifier.publish(pendingRollout(), TARGET)).toBeNull();
    await notifier.publish(awaitingApproval(), TARGET);
    expect(lines).toEqual([
      '12:00:00 podinfo abc1234 [podinfo-1] pending canary 0% · deploy_event: revision abc1234 announced by ci-bot (webhook)',
      '12:00:00 podinfo abc1234 [podinfo-1] awaiting_approval canary 50% (waiting for approval of promotion) · approval.before_promotion: canary error rate 0.2% vs primary 0.3% over 1200 requests',
    ]);
  });

  it('does not repeat a line when nothing visible changed (e.g. only the Slack reference was saved)', async () => {
    const lines: string[] = [];
    let now = NOW;
    const notifier = createConsoleNotifier({ write: (l) => lines.push(l), clock: () => now });
    await notifier.publish(pendingRollout(), TARGET);
    now += 5_000;
    await notifier.publish(pendingRollout({ version: 2, slack: { channel: 'C1', ts: '1.2' } }), TARGET);
    await notifier.publish(pendingRollout({ id: 'podinfo-2' }), TARGET);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('[podinfo-2]');
  });
});

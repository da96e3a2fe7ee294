import { describe, expect, it } from 'vitest';
import { createFanoutNotifier } from '../../lib/notify/fanout-notifier.js';
import type { Notifier } from '../../lib/notify/notifier.js';
import { pendingRollout, TARGET } from '../functions/fixtures.js';

const returning = (ref: { channel: string; ts: string } | null, seen: string[], name: string): Notifier => ({
  async publish(rollout) {
    seen.push(`${name}:${rollout.id}`);
    return ref;
  },
});
const failing = (message: string, seen: string[], name: string): Notifier => ({
  async publish() {
    seen.push(name);
    throw new Error(message);
  },
});

describe('fanout notifier', () => {
  it('publishes to every notifier and returns the Slack message reference', async () => {
    const seen: string[] = [];
    const fanout = createFanoutNotifier([
      returning(null, seen, 'console'),
      returning({ channel: 'C1', ts: '9.1' }, seen, 'slack'),
    ]);
    expect(await fanout.publish(pendingRollout(), TARGET)).toEqual({ channel: 'C1', ts: '9.1' });
    expect(seen.sort()).toEqual(['console:podinfo-1', 'slack:podinfo-1']);
  });

  it('keeps the reference when another notifier fails, reporting that failure', async () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const fanout = createFanoutNotifier(
      [failing('terminal closed', seen, 'console'), returning({ channel: 'C1', ts: '9.1' }, seen, 'slack')],
      (e) => errors.push(e),
    );
    expect(await fanout.publish(pendingRollout(), TARGET)).toEqual({ channel: 'C1', ts: '9.1' });
    expect(errors.map(String)).toEqual(['Error: terminal closed']);
  });

  it('throws when a notifier failed and none produced a reference', async () => {
    const seen: string[] = [];
    const fanout = createFanoutNotifier([
      returning(null, seen, 'console'),
      failing('invalid_auth', seen, 'slack'),
    ]);
    await expect(fanout.publish(pendingRollout(), TARGET)).rejects.toThrow('invalid_auth');
    expect(seen).toEqual(['console:podinfo-1', 'slack']);
  });
});

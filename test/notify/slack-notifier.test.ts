import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackNotifier } from '../../lib/notify/slack-notifier.js';
import { type SlackApiDouble, startSlackApiDouble } from '../../lib/sim/slack-api-double.js';
import { decodeButtonValue } from '../../lib/slack/approval-button.js';
import { SlackApiError } from '../../lib/slack/web-api.js';
import { awaitingApproval, pendingRollout, TARGET } from '../functions/fixtures.js';

const TOKEN = 'xoxb-0000-aviary-test';

let slack: SlackApiDouble;
beforeEach(async () => {
  slack = await startSlackApiDouble({ token: TOKEN, channels: ['C0DEPLOYS', 'C0OTHER'] });
});
afterEach(async () => {
  await slack.close();
});

const logs: { level: string; message: string; data: Record<string, unknown> }[] = [];
const notifier = (token = TOKEN, defaultChannel?: string) =>
  createSlackNotifier({
    token,
    apiUrl: slack.apiUrl,
    ...(defaultChannel ? { defaultChannel } : {}),
    log: (level, message, data) => logs.push({ level, message, data }),
  });

describe('Slack notifier against the Slack Web API double', () => {
  it('posts the first time and updates the same message (same ts) afterwards', async () => {
    const n = notifier();
    const first = await n.publish(pendingRollout(), TARGET);
    expect(first).toEqual({ channel: 'C0DEPLOYS', ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toContain('pending');

    const later = awaitingApproval({ slack: first });
    const second = await n.publish(later, TARGET);
    expect(second).toEqual(first);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update']);
    expect(slack.messages).toHaveLength(1);
    const message = slack.messages[0];
    expect(message?.ts).toBe(first?.ts);
    expect(message?.updates).toBe(1);
    expect(message?.text).toContain('awaiting approval');
    const blocks = (message?.blocks ?? []) as { type: string; elements?: { value: string }[] }[];
    const actions = blocks.find((b) => b.type === 'actions');
    expect(decodeButtonValue(actions?.elements?.[0]?.value)).toEqual({
      rolloutId: 'podinfo-1',
      revision: 'abc1234',
      gate: 'promotion',
    });
  });

  it('sends the bot token as a bearer token; a wrong one is surfaced and logged', async () => {
    await expect(notifier('xoxb-wrong').publish(pendingRollout(), TARGET)).rejects.toMatchObject({
      name: 'SlackApiError',
      error: 'invalid_auth',
    });
    expect(slack.calls).toEqual([
      expect.objectContaining({ method: 'chat.postMessage', ok: false, error: 'invalid_auth' }),
    ]);
    expect(slack.messages).toEqual([]);
    const logged = logs.at(-1);
    expect(logged).toMatchObject({ level: 'error', data: { rollout: 'podinfo-1', error: 'invalid_auth' } });
    expect(JSON.stringify(logs)).not.toContain('xoxb-wrong');
  });

  it('surfaces Slack API errors such as an unknown channel', async () => {
    const target = { ...TARGET, slackChannel: 'C0NOWHERE' };
    const error = await notifier()
      .publish(pendingRollout(), target)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackApiError);
    expect((error as SlackApiError).error).toBe('channel_not_found');
  });

  it('withdraws a second message with chat.delete; one already gone is not an error', async () => {
    const n = notifier();
    const kept = await n.publish(pendingRollout(), TARGET);
    const second = await n.publish(pendingRollout(), TARGET);
    if (!kept || !second) throw new Error('nothing posted');
    await n.retract?.(second);
    expect(slack.messages.map((m) => m.ts)).toEqual([kept.ts]);
    expect(slack.deleted.map((m) => m.ts)).toEqual([second.ts]);
    await expect(n.retract?.(second)).resolves.toBeUndefined();
  });

  it('posts a new message when the old one is gone', async () => {
    const n = notifier();
    const gone = pendingRollout({ slack: { channel: 'C0DEPLOYS', ts: '1700000000.000001' } });
    const ref = await n.publish(gone, TARGET);
    expect(ref?.ts).not.toBe('1700000000.000001');
    expect(slack.calls.map((c) => [c.method, c.ok])).toEqual([
      ['chat.update', false],
      ['chat.postMessage', true],
    ]);
  });

  it('uses the default channel for targets without one, and posts nothing without any', async () => {
    const { slackChannel: _ignored, ...withoutChannel } = TARGET;
    expect(await notifier().publish(pendingRollout(), withoutChannel)).toBeNull();
    expect(slack.calls).toEqual([]);
    expect(await notifier(TOKEN, 'C0OTHER').publish(pendingRollout(), withoutChannel)).toMatchObject({
      channel: 'C0OTHER',
    });
  });
});

describe('Slack Web API double', () => {
  it('answers like Slack: ok:false with not_authed, unknown_method, message_not_found, no_text', async () => {
    const call = async (method: string, body: unknown, token: string | null = TOKEN) => {
      const res = await fetch(`${slack.apiUrl}/${method}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Record<string, unknown>;
    };
    expect(await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'hi' }, null)).toEqual({
      ok: false,
      error: 'not_authed',
    });
    expect(await call('chat.scheduleMessage', { channel: 'C0DEPLOYS', text: 'later' })).toEqual({
      ok: false,
      error: 'unknown_method',
    });
    expect(await call('chat.delete', { channel: 'C0DEPLOYS', ts: '1.1' })).toEqual({
      ok: false,
      error: 'message_not_found',
    });
    expect(await call('chat.update', { channel: 'C0DEPLOYS', ts: '1.1', text: 'x' })).toEqual({
      ok: false,
      error: 'message_not_found',
    });
    expect(await call('chat.postMessage', { channel: 'C0DEPLOYS' })).toEqual({ ok: false, error: 'no_text' });
    const posted = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'hello' });
    expect(posted).toMatchObject({
      ok: true,
      channel: 'C0DEPLOYS',
      message: { text: 'hello', ts: posted.ts },
    });
  });

  it('accepts form-encoded calls with the token in the body, as Slack does', async () => {
    const res = await fetch(`${slack.apiUrl}/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: TOKEN,
        channel: 'C0OTHER',
        blocks: JSON.stringify([{ type: 'divider' }]),
      }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0OTHER' });
    expect(slack.messages[0]?.blocks).toEqual([{ type: 'divider' }]);
  });
});

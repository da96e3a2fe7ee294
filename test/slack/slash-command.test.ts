import { describe, expect, it } from 'vitest';
import { parseSlackBody } from '../../lib/slack/parse-slack-body.js';
import { readVector } from '../support/vectors.js';

/** A slash-command body as Slack posts it, from the docs sample with `command` and `text` replaced. */
function slashBody(text: string, userId = 'U2147483697'): string {
  const form = new URLSearchParams(readVector('slack_slash_command_body.weather.txt'));
  form.set('command', '/aviary');
  form.set('text', text);
  form.set('user_id', userId);
  return form.toString();
}

/** The docs sample's workspace, Grid org and app. */
const WEATHER_ORIGIN = { teamId: 'T0001', enterpriseId: 'E0001', appId: 'A123456' };

describe('/aviary slash command', () => {
  it('parses every state-changing verb with a rollout id or target and an optional reason', () => {
    for (const verb of ['approve', 'reject', 'pause', 'resume', 'abort'] as const) {
      expect(parseSlackBody(slashBody(`${verb} podinfo-3`))).toEqual({
        kind: 'command',
        via: 'slash',
        ref: 'podinfo-3',
        command: { kind: verb, actor: 'U2147483697' },
        origin: WEATHER_ORIGIN,
        responseUrl: expect.stringMatching(/^https:\/\/hooks\.slack\.com\/commands\//),
      });
    }
    expect(parseSlackBody(slashBody('  Abort   podinfo   error budget burned  '))).toEqual({
      kind: 'command',
      via: 'slash',
      ref: 'podinfo',
      command: { kind: 'abort', actor: 'U2147483697', reason: 'error budget burned' },
      origin: WEATHER_ORIGIN,
      responseUrl: expect.stringMatching(/^https:\/\/hooks\.slack\.com\/commands\//),
    });
  });

  it('reads a reason Slack form-encoded with + for spaces', () => {
    const raw = slashBody('x').replace('text=x', 'text=reject+podinfo-2+p99+too+high%3A+640ms');
    expect(parseSlackBody(raw)).toMatchObject({
      kind: 'command',
      ref: 'podinfo-2',
      command: { kind: 'reject', reason: 'p99 too high: 640ms' },
    });
  });

  it('parses status with and without a reference', () => {
    expect(parseSlackBody(slashBody('status'))).toEqual({
      kind: 'status',
      ref: null,
      actor: 'U2147483697',
      origin: WEATHER_ORIGIN,
    });
    expect(parseSlackBody(slashBody('status podinfo-3'))).toEqual({
      kind: 'status',
      ref: 'podinfo-3',
      actor: 'U2147483697',
      origin: WEATHER_ORIGIN,
    });
  });

  it('answers the usage for unknown verbs, missing references and bad references', () => {
    for (const text of ['', 'help', 'deploy podinfo', 'approve', 'pause Podinfo_3', 'approve <@U123>']) {
      const parsed = parseSlackBody(slashBody(text));
      expect(parsed.kind, text).toBe('usage');
      if (parsed.kind === 'usage')
        expect(parsed.text).toContain(
          '/aviary <approve|reject|pause|resume|abort|promote|retry|unfreeze|status>',
        );
    }
  });

  it('refuses a reason longer than 500 characters', () => {
    const parsed = parseSlackBody(slashBody(`abort podinfo ${'x'.repeat(501)}`));
    expect(parsed).toMatchObject({ kind: 'usage', text: expect.stringContaining('500') });
  });

  it('reads the docs sample body (unencoded "/" and ":") and refuses its command, which is not /aviary', () => {
    const parsed = parseSlackBody(readVector('slack_slash_command_body.weather.txt'));
    expect(parsed).toMatchObject({ kind: 'invalid', message: 'Aviary answers /aviary only, not /weather' });
    const asAviary = readVector('slack_slash_command_body.weather.txt').replace('/weather', '/aviary');
    expect(parseSlackBody(asAviary)).toMatchObject({
      kind: 'usage',
      text: expect.stringContaining('`94070`'),
    });
  });

  it('calls a body without a user id invalid', () => {
    const form = new URLSearchParams(slashBody('status'));
    form.delete('user_id');
    expect(parseSlackBody(form.toString())).toMatchObject({ kind: 'invalid' });
  });

  it('acknowledges Slack ssl_check posts without acting', () => {
    expect(parseSlackBody('ssl_check=1&token=abc')).toEqual({ kind: 'ignored', reason: 'ssl_check' });
  });
});

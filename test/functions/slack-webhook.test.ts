import { describe, expect, it } from 'vitest';
import { makeSlackWebhookHandler } from '../../functions/slack-webhook.js';
import { toStatus } from '../../lib/engine/status-view.js';
import { signSlackRequest } from '../../lib/signatures/slack.js';
import { blockActionsBody } from '../../lib/slack/block-actions-body.js';
import { readJsonVector, readVector } from '../support/vectors.js';
import { APPROVER, appWith, awaitingApproval, NOW, SECRETS } from './fixtures.js';
import { httpEvent, lambdaContext, quietLogger, responseOf } from './lambda-events.js';
import { recordingEngine } from './recording-engine.js';

const FORM = 'application/x-www-form-urlencoded';

function setup(engine = recordingEngine(), app: Partial<ReturnType<typeof appWith>> = {}) {
  const handler = makeSlackWebhookHandler(async () => appWith(engine, app), quietLogger());
  /** Posts like Slack through API Gateway: signed, form body base64-encoded. */
  const call = async (
    body: string,
    options: {
      signAt?: number;
      secret?: string;
      headers?: Record<string, string>;
      contentType?: string;
    } = {},
  ) => {
    const signed = signSlackRequest(
      options.secret ?? SECRETS.slackSigningSecret,
      body,
      options.signAt ?? NOW,
    );
    const event = httpEvent({
      method: 'POST',
      path: '/webhooks/slack',
      headers: { 'content-type': options.contentType ?? FORM, ...signed, ...options.headers },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    });
    return responseOf(await handler(event, lambdaContext()));
  };
  return { engine, call };
}

const click = (decision: 'approve' | 'reject' = 'approve', userId = APPROVER) =>
  blockActionsBody({
    userId,
    decision,
    value: { rolloutId: 'podinfo-1', revision: 'abc1234', gate: 'promotion' },
  });

function slash(text: string, userId = APPROVER): string {
  const form = new URLSearchParams(readVector('slack_slash_command_body.weather.txt'));
  form.set('command', '/aviary');
  form.set('text', text);
  form.set('user_id', userId);
  return form.toString();
}

describe('POST /webhooks/slack: buttons', () => {
  it("an approver's click approves the bound revision and gate; Slack gets a bare 200", async () => {
    const { engine, call } = setup();
    const res = await call(click());
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(engine.calls).toEqual([
      {
        method: 'command',
        ref: 'podinfo-1',
        command: { kind: 'approve', actor: APPROVER, revision: 'abc1234', gate: 'promotion' },
      },
    ]);
  });

  it("passes the engine's refusals on as JSON: 403 not an approver, 409 stale click, 404 unknown", async () => {
    const refusals = [
      { status: 403 as const, error: 'U0STRANGER is not an approver of target podinfo', code: 'forbidden' },
      {
        status: 409 as const,
        error: 'this approval was requested for revision abc1234, but ...',
        code: 'conflict',
      },
      { status: 404 as const, error: 'no rollout or target "podinfo-1"', code: 'not_found' },
    ];
    for (const refusal of refusals) {
      const { call } = setup(recordingEngine({ command: async () => ({ ok: false, ...refusal }) }));
      const res = await call(click('reject', 'U0STRANGER'));
      expect(res.status).toBe(refusal.status);
      expect(res.json).toEqual({ error: { code: refusal.code, message: refusal.error } });
    }
  });

  it("acknowledges another app's button (the docs example, signed with the docs secret) without acting", async () => {
    const vector = readJsonVector<{ signing_secret: string; headers: Record<string, string> }>(
      'slack_signing_doc_vector.json',
    );
    const ts = Number(vector.headers['X-Slack-Request-Timestamp']) * 1000;
    const engine = recordingEngine();
    const { call } = setup(engine, {
      clock: () => ts,
      secrets: { ...SECRETS, slackSigningSecret: vector.signing_secret },
    });
    const res = await call(readVector('slack_block_actions_body.DERIVED.txt'), {
      signAt: ts,
      secret: vector.signing_secret,
    });
    expect(res.status).toBe(200);
    expect(engine.calls).toEqual([]);
  });

  it('refuses a malformed payload with 400', async () => {
    const { engine, call } = setup();
    expect((await call('payload=%7Bbroken')).status).toBe(400);
    const tampered = click().replace('abc1234', 'abc%20123');
    const res = await call(tampered);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'bad_request' } });
    expect(engine.calls).toEqual([]);
  });
});

describe('POST /webhooks/slack: signature and shape', () => {
  it.each([
    ['forged', { secret: 'not-the-secret' }, 'signature_invalid'],
    ['stale', { signAt: NOW - 6 * 60_000 }, 'timestamp_stale'],
    ['unsigned', { headers: { 'x-slack-signature': '' } }, 'signature_missing'],
  ])('refuses a %s request with 401 before reading it', async (_name, options, code) => {
    const { engine, call } = setup();
    const res = await call(click(), options);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code, message: expect.any(String) } });
    expect(engine.calls).toEqual([]);
  });

  it('verifies the docs vector only with its own clock (the real clock finds it stale)', async () => {
    const vector = readJsonVector<{ signing_secret: string; headers: Record<string, string> }>(
      'slack_signing_doc_vector.json',
    );
    const body = readVector('slack_signing_doc_vector.body.txt');
    const ts = Number(vector.headers['X-Slack-Request-Timestamp']) * 1000;
    const secrets = { ...SECRETS, slackSigningSecret: vector.signing_secret };
    const event = () =>
      httpEvent({
        method: 'POST',
        path: '/webhooks/slack',
        headers: { 'content-type': FORM, ...vector.headers },
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
      });
    const atVector = makeSlackWebhookHandler(
      async () => appWith(recordingEngine(), { secrets, clock: () => ts }),
      quietLogger(),
    );
    const res = responseOf(await atVector(event(), lambdaContext()));
    // `/webhook-collect` with empty text: verified, then answered with the usage.
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Usage') });
    const realClock = makeSlackWebhookHandler(
      async () => appWith(recordingEngine(), { secrets, clock: Date.now }),
      quietLogger(),
    );
    const stale = responseOf(await realClock(event(), lambdaContext()));
    expect(stale.status).toBe(401);
    expect(stale.json).toMatchObject({ error: { code: 'timestamp_stale' } });
  });

  it('refuses a JSON body with 415 and an oversized one with 413', async () => {
    const { engine, call } = setup();
    expect((await call('{"type":"block_actions"}', { contentType: 'application/json' })).status).toBe(415);
    expect((await call(`payload=${'x'.repeat(70_000)}`)).status).toBe(413);
    expect(engine.calls).toEqual([]);
  });
});

describe('POST /webhooks/slack: /aviary', () => {
  it('runs a command and answers privately within the request', async () => {
    const { engine, call } = setup();
    const res = await call(slash('pause podinfo-1 investigating p99'));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      response_type: 'ephemeral',
      text: 'pause by U0APPROVER (`podinfo-1` is now *paused*)',
    });
    expect(engine.calls).toEqual([
      {
        method: 'command',
        ref: 'podinfo-1',
        command: { kind: 'pause', actor: APPROVER, reason: 'investigating p99' },
      },
    ]);
  });

  it("refuses a non-approver with the engine's 403", async () => {
    const { call } = setup(
      recordingEngine({
        command: async (_ref, command) => ({
          ok: false,
          status: 403,
          error: `${command.actor} is not an approver`,
        }),
      }),
    );
    const res = await call(slash('abort podinfo', 'U0STRANGER'));
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ error: { code: 'forbidden', message: 'U0STRANGER is not an approver' } });
  });

  it('shows status by rollout id, by target, or the recent rollouts; 404 for unknown references', async () => {
    const { engine, call } = setup();
    const byId = await call(slash('status podinfo-1'));
    expect(byId.json).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('`podinfo-1` podinfo `abc1234`: *pending*'),
    });
    const byTarget = await call(slash('status podinfo'));
    expect(byTarget.json).toMatchObject({ text: expect.stringContaining('`podinfo-1`') });
    const recent = await call(slash('status'));
    expect(recent.status).toBe(200);
    expect(engine.calls.filter((c) => c.method === 'list')).toEqual([
      { method: 'list', options: { target: 'podinfo', limit: 1 } },
      { method: 'list', options: { limit: 10 } },
    ]);
    const unknown = await call(slash('status nothing-here'));
    expect(unknown.status).toBe(404);
    expect(engine.calls.some((c) => c.method === 'command')).toBe(false);
  });

  it('answers a typo with the usage, privately, without calling the engine', async () => {
    const { engine, call } = setup();
    const res = await call(slash('aprove podinfo-1'));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Unknown command'),
    });
    expect(engine.calls).toEqual([]);
  });

  it('renders awaiting-approval status with the gate', async () => {
    const rollout = awaitingApproval();
    const { call } = setup(
      recordingEngine({
        status: async (id) => (id === rollout.id ? toStatus(rollout, null, []) : null),
      }),
    );
    const res = await call(slash('status podinfo-1'));
    expect(res.json).toMatchObject({ text: expect.stringContaining('awaiting approval of promotion') });
  });
});

import { describe, expect, it } from 'vitest';
import { makeSlackWebhookHandler } from '../../functions/slack-webhook.js';
import { toStatus } from '../../lib/engine/status-view.js';
import { signSlackRequest } from '../../lib/signatures/slack.js';
import { blockActionsBody } from '../../lib/slack/block-actions-body.js';
import { readJsonVector, readVector } from '../support/vectors.js';
import { APPROVER, appWith, awaitingApproval, CONFIG, NOW, SECRETS } from './fixtures.js';
import { httpEvent, lambdaContext, quietLogger, responseOf } from './lambda-events.js';
import { recordingEngine } from './recording-engine.js';

const FORM = 'application/x-www-form-urlencoded';

function setup(engine = recordingEngine(), app: Partial<ReturnType<typeof appWith>> = {}) {
  const built = appWith(engine, app);
  const handler = makeSlackWebhookHandler(async () => built, quietLogger());
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

/** A click in the configured workspace and Grid org (the fixtures' `slack`). */
const click = (decision: 'approve' | 'reject' = 'approve', userId = APPROVER) =>
  blockActionsBody({
    userId,
    decision,
    teamId: 'T0001',
    enterpriseId: 'E0001',
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
    // `/webhook-collect`: verified, then refused as a command that is not Aviary's.
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { message: expect.stringContaining('/aviary only') } });
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

describe('POST /webhooks/slack: replays inside the window', () => {
  it('a signed /aviary pause replayed after resume gets its first answer and does not pause again', async () => {
    const { engine, call } = setup();
    const pause = slash('pause podinfo-1');
    const first = await call(pause, { signAt: NOW - 60_000 });
    expect(first.status).toBe(200);
    expect((await call(slash('resume podinfo-1'), { signAt: NOW - 30_000 })).status).toBe(200);
    // The captured pause, byte for byte (same timestamp, body and signature), still inside the 5 minutes.
    const replay = await call(pause, { signAt: NOW - 60_000 });
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);
    expect(replay.headers['x-aviary-replay']).toBe('original-answer');
    expect(engine.calls.map((c) => (c.method === 'command' ? c.command.kind : c.method))).toEqual([
      'pause',
      'resume',
    ]);
  });

  it('a replayed click acts once; the same click signed anew is a new request', async () => {
    const { engine, call } = setup();
    expect((await call(click(), { signAt: NOW })).status).toBe(200);
    expect((await call(click(), { signAt: NOW })).status).toBe(200);
    expect(engine.calls).toHaveLength(1);
    expect((await call(click(), { signAt: NOW - 1_000 })).status).toBe(200);
    expect(engine.calls).toHaveLength(2);
  });
});

describe('POST /webhooks/slack: who may act', () => {
  const inWorkspace = (team: { teamId?: string; enterpriseId?: string; appId?: string }) =>
    blockActionsBody({
      userId: APPROVER,
      decision: 'approve',
      value: { rolloutId: 'podinfo-1', revision: 'abc1234', gate: 'promotion' },
      ...team,
    });

  it('refuses a click from another workspace or another Grid org with 403, even by an approver id', async () => {
    const { engine, call } = setup();
    const otherTeam = await call(inWorkspace({ teamId: 'T0OTHER', enterpriseId: 'E0001' }));
    expect(otherTeam.status).toBe(403);
    expect(otherTeam.json).toMatchObject({ error: { message: expect.stringContaining('T0001 only') } });
    const otherOrg = await call(inWorkspace({ teamId: 'T0001', enterpriseId: 'E0OTHER' }));
    expect(otherOrg.status).toBe(403);
    expect(otherOrg.json).toMatchObject({ error: { message: expect.stringContaining('E0001 only') } });
    expect(engine.calls).toEqual([]);
    expect((await call(inWorkspace({ teamId: 'T0001', enterpriseId: 'E0001' }))).status).toBe(200);
    expect(engine.calls).toHaveLength(1);
  });

  it('refuses a request for another app when the app id is configured', async () => {
    const config = { ...CONFIG, slack: { teamId: 'T0001', enterpriseId: 'E0001', appId: 'A0AVIARY' } };
    const { engine, call } = setup(recordingEngine(), { config });
    const other = await call(inWorkspace({ teamId: 'T0001', enterpriseId: 'E0001', appId: 'A0OTHER' }));
    expect(other.status).toBe(403);
    expect(other.json).toMatchObject({ error: { message: expect.stringContaining('A0AVIARY only') } });
    // The slash-command sample carries api_app_id A123456: not this app.
    expect((await call(slash('pause podinfo-1'))).status).toBe(403);
    expect(engine.calls).toEqual([]);
  });

  it('refuses every Slack request when no workspace is configured', async () => {
    const { slack: _slack, ...unbound } = CONFIG;
    const { engine, call } = setup(recordingEngine(), { config: unbound });
    const res = await call(click());
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { message: expect.stringContaining('slack.teamId') } });
    expect((await call(slash('status'))).status).toBe(403);
    expect(engine.calls).toEqual([]);
  });

  it('refuses a slash command other than /aviary with 400', async () => {
    const { engine, call } = setup();
    const form = new URLSearchParams(slash('abort podinfo'));
    form.set('command', '/deploy');
    const res = await call(form.toString());
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { message: 'Aviary answers /aviary only, not /deploy' } });
    expect(engine.calls).toEqual([]);
  });

  it('binds a typed approve to the revision and gate pending when it is read, and echoes both', async () => {
    const rollout = awaitingApproval();
    const engine = recordingEngine({
      status: async (id) => (id === rollout.id ? toStatus(rollout, null, []) : null),
      list: async (options) => (options?.target === 'podinfo' ? [toStatus(rollout, null, [])] : []),
    });
    const { call } = setup(engine);
    const res = await call(slash('approve podinfo ship it'));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      text: expect.stringContaining('(revision `abc1234`, gate `promotion`)'),
    });
    expect(engine.calls.filter((c) => c.method === 'command')).toEqual([
      {
        method: 'command',
        ref: 'podinfo-1',
        command: {
          kind: 'approve',
          actor: APPROVER,
          reason: 'ship it',
          revision: 'abc1234',
          gate: 'promotion',
        },
      },
    ]);
  });

  it('refuses a typed approve when no approval is pending, without sending the command', async () => {
    const { engine, call } = setup();
    const res = await call(slash('reject podinfo-1'));
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({
      error: { message: 'rollout podinfo-1 is pending; no approval is pending' },
    });
    expect(engine.calls.some((c) => c.method === 'command')).toBe(false);
  });
});

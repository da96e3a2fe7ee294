import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { makeDeployWebhookHandler } from '../../functions/deploy-webhook.js';
import { signDeployRequest } from '../../lib/signatures/deploy-hmac.js';
import { appWith, NOW, pendingRollout, SECRETS } from './fixtures.js';
import { captureLogs, httpEvent, lambdaContext, quietLogger, responseOf } from './lambda-events.js';
import { recordingEngine } from './recording-engine.js';

const BODY = JSON.stringify({
  target: 'podinfo',
  revision: 'abc1234',
  image: 'ghcr.io/acme/podinfo:6.5.1',
  actor: 'ci',
});

function setup(engine = recordingEngine()) {
  // One App for the handler's life, as in a warm container: the request ledger lives as long as it.
  const app = appWith(engine);
  const handler = makeDeployWebhookHandler(async () => app, quietLogger());
  const call = async (input: {
    body?: string;
    headers?: Record<string, string>;
    /** How to sign the body; `false` sends only `headers`. */
    sign?: { at?: number; secret?: string } | false;
    method?: string;
    base64?: boolean;
  }) => {
    const body = input.body ?? BODY;
    const sign = input.sign ?? {};
    const signed = sign ? signDeployRequest(sign.secret ?? SECRETS.deploySecret, body, sign.at ?? NOW) : {};
    const event = httpEvent({
      method: input.method ?? 'POST',
      path: '/webhooks/deploy',
      routeKey: 'POST /webhooks/deploy',
      headers: { 'content-type': 'application/json', ...signed, ...input.headers },
      body: input.base64 ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: input.base64 ?? false,
    });
    return responseOf(await handler(event, lambdaContext()));
  };
  return { engine, call };
}

describe('POST /webhooks/deploy', () => {
  it('starts a rollout from a signed request: 202 with the rollout', async () => {
    const { engine, call } = setup();
    const res = await call({});
    expect(res.status).toBe(202);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json).toEqual({
      rollout: { id: 'podinfo-2', target: 'podinfo', revision: 'abc1234', phase: 'pending' },
      created: true,
    });
    expect(engine.calls).toEqual([
      {
        method: 'start',
        input: {
          target: 'podinfo',
          revision: 'abc1234',
          image: 'ghcr.io/acme/podinfo:6.5.1',
          source: { kind: 'webhook', deliveryId: expect.any(String), actor: 'ci' },
          announcedAt: NOW,
        },
      },
    ]);
  });

  it('answers an exact replay inside the window with the first answer, and acts once', async () => {
    const { engine, call } = setup();
    const first = await call({ sign: { at: NOW } });
    expect(first.status).toBe(202);
    // The same timestamp, body and signature, sent again later inside the window.
    const replay = await call({ sign: { at: NOW } });
    expect(replay.status).toBe(202);
    expect(replay.json).toEqual(first.json);
    expect(replay.headers['x-aviary-replay']).toBe('original-answer');
    expect(engine.calls).toHaveLength(1);
    // A new signature (a new request, even with the same body) is acted on.
    expect((await call({ sign: { at: NOW - 1_000 } })).status).toBe(202);
    expect(engine.calls).toHaveLength(2);
  });

  it('answers a replay of a refused request with the same refusal, without asking the engine again', async () => {
    const { engine, call } = setup(
      recordingEngine({ start: async () => ({ ok: false, status: 409, error: 'older announcement' }) }),
    );
    const first = await call({});
    expect(first.status).toBe(409);
    const replay = await call({});
    expect(replay.status).toBe(409);
    expect(replay.json).toEqual(first.json);
    expect(engine.calls).toHaveLength(1);
  });

  it('forgets a request whose handling failed (5xx), so that the sender can retry it', async () => {
    let fail = true;
    const { engine, call } = setup(
      recordingEngine({
        start: async (input) => {
          if (fail) throw new Error('DynamoDB unavailable');
          return { ok: true, rollout: pendingRollout({ revision: input.revision }), created: true };
        },
      }),
    );
    expect((await call({})).status).toBe(500);
    fail = false;
    expect((await call({})).status).toBe(202);
    expect(engine.calls).toHaveLength(2);
  });

  it('passes the signed timestamp as the announcement time, and force when the body asks for it', async () => {
    const { engine, call } = setup();
    const body = JSON.stringify({ target: 'podinfo', revision: 'old1', force: true });
    expect((await call({ body, sign: { at: NOW - 60_000 } })).status).toBe(202);
    expect(engine.calls[0]).toMatchObject({
      input: { revision: 'old1', announcedAt: NOW - 60_000, force: true },
    });
  });

  it('answers 200 with the existing rollout when the same revision is delivered again', async () => {
    const { engine, call } = setup(
      recordingEngine({ start: async () => ({ ok: true, rollout: pendingRollout(), created: false }) }),
    );
    const res = await call({ headers: { 'X-Aviary-Delivery': 'redelivery-1' } });
    expect(res.status).toBe(200);
    expect(engine.calls[0]).toMatchObject({ input: { source: { deliveryId: 'redelivery-1' } } });
    expect(res.json).toMatchObject({ created: false, rollout: { id: 'podinfo-1' } });
  });

  it('accepts a base64-encoded body (signature over the decoded bytes)', async () => {
    const { engine, call } = setup();
    expect((await call({ base64: true })).status).toBe(202);
    expect(engine.calls).toHaveLength(1);
  });

  it.each([
    [
      'no signature',
      { sign: false as const, headers: { 'x-aviary-timestamp': String(NOW / 1000) } },
      'signature_missing',
    ],
    ['a forged signature', { sign: { secret: 'guessed' } }, 'signature_invalid'],
    ['a stale timestamp', { sign: { at: NOW - 10 * 60_000 } }, 'timestamp_stale'],
    ['a future timestamp', { sign: { at: NOW + 10 * 60_000 } }, 'timestamp_stale'],
  ])('refuses %s with 401 and does not call the engine', async (_name, input, code) => {
    const { engine, call } = setup();
    const res = await call(input);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code, message: expect.any(String) } });
    expect(engine.calls).toEqual([]);
  });

  it('refuses a body signed for another request (replayed signature, changed body)', async () => {
    const { engine, call } = setup();
    const headers = signDeployRequest(SECRETS.deploySecret, BODY, NOW);
    expect((await call({ sign: false, headers })).status).toBe(202);
    const replay = await call({ body: BODY.replace('abc1234', 'def5678'), sign: false, headers });
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: { code: 'signature_invalid' } });
    expect(engine.calls).toHaveLength(1);
  });

  it('refuses an oversized body with 413 before verifying anything', async () => {
    const { engine, call } = setup();
    const huge = JSON.stringify({ target: 'podinfo', revision: 'abc', padding: 'x'.repeat(70 * 1024) });
    const res = await call({ body: huge });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(engine.calls).toEqual([]);
  });

  it('refuses a signed body that is not JSON with 400', async () => {
    const { engine, call } = setup();
    const res = await call({ body: 'target=podinfo&revision=abc' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'invalid_json' } });
    expect(engine.calls).toEqual([]);
  });

  it('lists every invalid field with 422', async () => {
    const { engine, call } = setup();
    const res = await call({ body: JSON.stringify({ revision: 'has spaces', image: 'a b' }) });
    expect(res.status).toBe(422);
    const error = (res.json as { error: { code: string; details: { issues: { field: string }[] } } }).error;
    expect(error.code).toBe('invalid_request');
    expect(error.details.issues.map((i) => i.field).sort()).toEqual(['image', 'revision', 'target']);
    expect(engine.calls).toEqual([]);
  });

  it('refuses another content type with 415 and another method with 405', async () => {
    const { engine, call } = setup();
    expect((await call({ headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const get = await call({ method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.json).toMatchObject({ error: { code: 'method_not_allowed', details: { allow: ['POST'] } } });
    expect(engine.calls).toEqual([]);
  });

  it("passes the engine's 404 for an unknown target through as JSON", async () => {
    const { call } = setup();
    const res = await call({ body: JSON.stringify({ target: 'nope', revision: 'abc1234' }) });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: 'not_found', message: 'unknown target "nope"' } });
  });

  it('answers 500 without internals when the engine fails', async () => {
    const { call } = setup(
      recordingEngine({
        start: async () => {
          throw new Error('DynamoDB said: secret detail');
        },
      }),
    );
    const res = await call({});
    expect(res.status).toBe(500);
    expect(res.body).not.toContain('secret detail');
    expect(res.json).toMatchObject({ error: { code: 'internal' } });
  });

  it('logs outcomes as structured JSON without bodies or secrets', async () => {
    const engine = recordingEngine();
    const handler = makeDeployWebhookHandler(
      async () => appWith(engine),
      new Logger({ serviceName: 'aviary', logLevel: 'DEBUG' }),
    );
    const body = JSON.stringify({ target: 'podinfo', revision: 'abc1234', actor: 'ci' });
    const entries = await captureLogs(async () => {
      for (const secret of [SECRETS.deploySecret, 'forged']) {
        const headers = { 'content-type': 'application/json', ...signDeployRequest(secret, body, NOW) };
        await handler(
          httpEvent({ method: 'POST', path: '/webhooks/deploy', headers, body }),
          lambdaContext(),
        );
      }
    });
    expect(entries.map((e) => [e.level, e.message])).toEqual([
      ['INFO', 'deploy requested'],
      ['INFO', 'request handled'],
      ['WARN', 'request refused'],
    ]);
    expect(entries[2]).toMatchObject({ status: 401, code: 'signature_invalid' });
    const logged = JSON.stringify(entries);
    for (const secret of Object.values(SECRETS)) if (secret) expect(logged).not.toContain(secret);
    expect(logged).not.toContain(signDeployRequest(SECRETS.deploySecret, body, NOW)['X-Aviary-Signature']);
  });
});

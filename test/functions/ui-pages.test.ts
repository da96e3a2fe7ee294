import { describe, expect, it } from 'vitest';
import { makeRolloutsApiHandler } from '../../functions/rollouts-api.js';
import type { App } from '../../lib/app/app.js';
import type { Engine } from '../../lib/engine/engine.js';
import { toStatus } from '../../lib/engine/status-view.js';
import { checkViewLink, viewLinkUrl } from '../../lib/signatures/view-link.js';
import { appWith, awaitingApproval, NOW, POLICY, pendingRollout, SECRETS } from './fixtures.js';
import { httpEvent, lambdaContext, quietLogger, responseOf } from './lambda-events.js';
import { recordingEngine } from './recording-engine.js';

const EVIL = '<script>alert("pwned")</script>';

function setup(patch: Partial<App> = {}, overrides: Partial<Engine> = {}) {
  const engine = recordingEngine(overrides);
  const handler = makeRolloutsApiHandler(async () => appWith(engine, patch), quietLogger());
  const call = async (path: string, query?: Record<string, string>, method = 'GET') => {
    const id = path.match(/^\/ui\/rollouts\/([^/]+)$/)?.[1];
    const routeKey = id === undefined ? `GET ${path}` : 'GET /ui/rollouts/{id}';
    return responseOf(
      await handler(
        httpEvent({
          method,
          path,
          routeKey,
          headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com' },
          ...(query ? { query } : {}),
          ...(id !== undefined ? { pathParameters: { id: decodeURIComponent(id) } } : {}),
        }),
        lambdaContext(),
      ),
    );
  };
  /** A signed link's query, as the page would be opened from Slack. */
  const signed = (path: string, at = NOW) => {
    const url = new URL(
      viewLinkUrl(
        'https://x',
        SECRETS.viewSecret ?? '',
        path === '/ui' ? { kind: 'list' } : { kind: 'rollout', id: path.split('/').pop() ?? '' },
        at,
      ),
    );
    return Object.fromEntries(url.searchParams);
  };
  return { engine, call, signed };
}

describe('GET /ui pages on the status function', () => {
  it('serves the list and a timeline as self-contained HTML to a valid signed link', async () => {
    const { call, signed } = setup();
    for (const path of ['/ui', '/ui/rollouts/podinfo-1']) {
      const res = await call(path, signed(path));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.body).toMatch(/^<!doctype html>/);
      // Self-contained: nothing is fetched from anywhere.
      expect(res.body).not.toMatch(/<script|<link |src="http|url\(http/);
    }
  });

  it('refuses a missing, forged or expired link with a 401 page that says why, and reads nothing', async () => {
    const { call, signed, engine } = setup();
    const missing = await call('/ui/rollouts/podinfo-1');
    expect(missing.status).toBe(401);
    expect(missing.body).toContain('signed link');
    const good = signed('/ui/rollouts/podinfo-1');
    const forged = await call('/ui/rollouts/podinfo-1', { ...good, sig: `${'0'.repeat(63)}1` });
    expect(forged.status).toBe(401);
    expect(forged.body).toContain('signature is not valid');
    const expired = await call(
      '/ui/rollouts/podinfo-1',
      signed('/ui/rollouts/podinfo-1', NOW - 8 * 24 * 3600_000),
    );
    expect(expired.status).toBe(401);
    expect(expired.body).toContain('expired on');
    expect(expired.body).toContain('aviary open podinfo-1');
    expect(engine.calls).toEqual([]);
  });

  it('refuses every link when the deployment has no view secret', async () => {
    const { call, signed } = setup({ secrets: { ...SECRETS, viewSecret: null } });
    const res = await call('/ui', signed('/ui'));
    expect(res.status).toBe(401);
    expect(res.body).toContain('no view secret');
  });

  it('opens without a link on the local stack', async () => {
    const { call } = setup({ openViews: true });
    expect((await call('/ui')).status).toBe(200);
    expect((await call('/ui/rollouts/podinfo-1')).status).toBe(200);
  });

  it('answers a malformed id 400, an unknown one 404 and a bad filter 400, as pages', async () => {
    const { call, engine } = setup({ openViews: true });
    const bad = await call('/ui/rollouts/Bad%20Id');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('text/html');
    const long = await call(`/ui/rollouts/${'a'.repeat(81)}`);
    expect(long.status).toBe(400);
    const unknown = await call('/ui/rollouts/podinfo-404');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('podinfo-404');
    const filter = await call('/ui', { phase: 'exploded' });
    expect(filter.status).toBe(400);
    expect(filter.body).toContain('phase');
    expect((await call('/ui', { sort: 'up' })).status).toBe(400);
    expect(engine.calls.map((c) => c.method)).toEqual(['status']);
  });

  it('shows an image or reason holding markup as text', async () => {
    const base = awaitingApproval({ image: `ghcr.io/x:${EVIL}`, reason: EVIL });
    const last = base.lastDecision;
    if (!last?.explanation) throw new Error('fixture has no explanation');
    const decision = {
      ...last,
      reason: EVIL,
      actor: EVIL,
      explanation: { ...last.explanation, summary: EVIL },
    };
    const rollout = { ...base, lastDecision: decision };
    const history = [decision];
    const status = toStatus(rollout, POLICY, history);
    const { call } = setup({ openViews: true }, { status: async () => status, list: async () => [status] });
    for (const path of ['/ui', '/ui/rollouts/podinfo-1']) {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.body).not.toContain('<script');
      expect(res.body).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    }
  });

  it('refreshes an active rollout and not a finished one', async () => {
    const done = toStatus(pendingRollout({ phase: 'succeeded' }), POLICY, []);
    const active = setup({ openViews: true });
    expect((await active.call('/ui/rollouts/podinfo-1')).body).toContain('http-equiv="refresh"');
    const finished = setup({ openViews: true }, { status: async () => done });
    expect((await finished.call('/ui/rollouts/podinfo-1')).body).not.toContain('http-equiv="refresh"');
  });

  it('filters the list by target (in the query) and phase, keeping the signature in the form and row links', async () => {
    const { call, signed, engine } = setup();
    const query = signed('/ui');
    const res = await call('/ui', { ...query, target: 'podinfo', phase: 'pending' });
    expect(res.status).toBe(200);
    expect(engine.calls).toEqual([{ method: 'list', options: { target: 'podinfo', limit: 100 } }]);
    expect(res.body).toContain(`href="/ui/rollouts/podinfo-1?exp=${query.exp}&amp;sig=${query.sig}"`);
    expect(res.body).toContain(`<input type="hidden" name="sig" value="${query.sig}">`);
    const none = await call('/ui', { ...query, phase: 'failed' });
    expect(none.body).toContain('No rollouts match these filters');
  });

  it('hands a signed view link to the rollout in the JSON API answer', async () => {
    const { engine } = setup();
    const handler = makeRolloutsApiHandler(async () => appWith(engine), quietLogger());
    const res = responseOf(
      await handler(
        httpEvent({
          method: 'GET',
          path: '/rollouts/podinfo-1',
          routeKey: 'GET /rollouts/{id}',
          pathParameters: { id: 'podinfo-1' },
          headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com' },
        }),
        lambdaContext(),
      ),
    );
    const viewUrl = new URL((res.json as { viewUrl: string }).viewUrl);
    expect(viewUrl.origin).toBe('https://abc123.execute-api.us-east-1.amazonaws.com');
    expect(viewUrl.pathname).toBe('/ui/rollouts/podinfo-1');
    const params = { exp: viewUrl.searchParams.get('exp') ?? '', sig: viewUrl.searchParams.get('sig') ?? '' };
    expect(
      checkViewLink(SECRETS.viewSecret ?? '', { kind: 'rollout', id: 'podinfo-1' }, params, NOW),
    ).toMatchObject({
      ok: true,
    });
  });
});

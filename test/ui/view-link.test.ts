import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkViewLink,
  DEFAULT_VIEW_LINK_TTL_SECONDS,
  signViewLink,
  viewLinkUrl,
} from '../../lib/signatures/view-link.js';

const SECRET = 'view-secret-0123456789';
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const rollout = { kind: 'rollout', id: 'podinfo-1' } as const;

describe('signed view links', () => {
  it('signs HMAC-SHA256 over a versioned scope and expiry (computed independently here)', () => {
    const exp = NOW / 1000 + 60;
    const expected = createHmac('sha256', SECRET)
      .update(`aviary-view-v1\nrollout:podinfo-1\n${exp}`)
      .digest('hex');
    expect(signViewLink(SECRET, rollout, exp)).toEqual({ exp: String(exp), sig: expected });
  });

  it('expires after seven days by default', () => {
    const url = new URL(viewLinkUrl('http://127.0.0.1:3000/', SECRET, rollout, NOW));
    expect(url.pathname).toBe('/ui/rollouts/podinfo-1');
    const params = { exp: url.searchParams.get('exp') ?? '', sig: url.searchParams.get('sig') ?? '' };
    expect(Number(params.exp)).toBe(NOW / 1000 + DEFAULT_VIEW_LINK_TTL_SECONDS);
    const justBefore = NOW + DEFAULT_VIEW_LINK_TTL_SECONDS * 1000 - 1;
    expect(checkViewLink(SECRET, rollout, params, justBefore)).toMatchObject({
      ok: true,
      signedFor: 'rollout',
    });
    expect(checkViewLink(SECRET, rollout, params, justBefore + 1)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another scope, another key, a changed expiry and malformed parameters', () => {
    const params = signViewLink(SECRET, rollout, NOW / 1000 + 60);
    expect(checkViewLink(SECRET, { kind: 'rollout', id: 'podinfo-2' }, params, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(checkViewLink(SECRET, { kind: 'list' }, params, NOW)).toEqual({ ok: false, reason: 'forged' });
    expect(checkViewLink('another-secret', rollout, params, NOW)).toEqual({ ok: false, reason: 'forged' });
    expect(
      checkViewLink(SECRET, rollout, { ...params, exp: String(Number(params.exp) + 3600) }, NOW),
    ).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(checkViewLink(SECRET, rollout, {}, NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(checkViewLink(SECRET, rollout, { exp: params.exp }, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(checkViewLink(SECRET, rollout, { ...params, sig: params.sig.toUpperCase() }, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(checkViewLink(SECRET, rollout, { ...params, exp: '1e12' }, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('says "expired" only for a link it really signed', () => {
    const old = signViewLink(SECRET, rollout, NOW / 1000 - 1);
    expect(checkViewLink(SECRET, rollout, old, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(checkViewLink('other', rollout, old, NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('lets a list link open any rollout page (the list shows them all)', () => {
    const list = signViewLink(SECRET, { kind: 'list' }, NOW / 1000 + 60);
    expect(checkViewLink(SECRET, { kind: 'list' }, list, NOW)).toMatchObject({ ok: true, signedFor: 'list' });
    expect(checkViewLink(SECRET, rollout, list, NOW)).toMatchObject({ ok: true, signedFor: 'list' });
  });
});

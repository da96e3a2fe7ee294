import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signDeployRequest, verifyDeployRequest } from '../../lib/signatures/deploy-hmac.js';

const SECRET = 'ci-shared-secret';
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const BODY = JSON.stringify({ target: 'podinfo', revision: 'abc1234', image: 'ghcr.io/acme/podinfo:6.5.1' });

describe('Aviary deploy webhook signature', () => {
  it('is HMAC-SHA256 over "<unix seconds>.<raw body>", sent as sha256=<hex>', () => {
    const headers = signDeployRequest(SECRET, BODY, NOW + 999);
    const seconds = String(Math.floor(NOW / 1000));
    const hex = createHmac('sha256', SECRET).update(`${seconds}.${BODY}`).digest('hex');
    expect(headers).toEqual({ 'X-Aviary-Timestamp': seconds, 'X-Aviary-Signature': `sha256=${hex}` });
  });

  it('accepts its own signature, in any header case and hex case', () => {
    const headers = signDeployRequest(SECRET, BODY, NOW);
    expect(verifyDeployRequest({ secret: SECRET, headers, body: BODY, nowMs: NOW })).toEqual({ ok: true });
    const lower = {
      'x-aviary-timestamp': headers['X-Aviary-Timestamp'],
      'x-aviary-signature': headers['X-Aviary-Signature'].toUpperCase().replace('SHA256=', 'sha256='),
    };
    expect(
      verifyDeployRequest({ secret: SECRET, headers: lower, body: Buffer.from(BODY), nowMs: NOW }).ok,
    ).toBe(true);
  });

  it('refuses a forged body, another secret, or a timestamp moved after signing', () => {
    const headers = signDeployRequest(SECRET, BODY, NOW);
    const forged = BODY.replace('abc1234', 'evil999');
    expect(verifyDeployRequest({ secret: SECRET, headers, body: forged, nowMs: NOW })).toMatchObject({
      ok: false,
      code: 'signature_invalid',
    });
    expect(verifyDeployRequest({ secret: 'other', headers, body: BODY, nowMs: NOW })).toMatchObject({
      code: 'signature_invalid',
    });
    const moved = { ...headers, 'X-Aviary-Timestamp': String(Number(headers['X-Aviary-Timestamp']) + 1) };
    expect(verifyDeployRequest({ secret: SECRET, headers: moved, body: BODY, nowMs: NOW })).toMatchObject({
      code: 'signature_invalid',
    });
  });

  it('accepts five minutes either way and refuses anything older or newer', () => {
    const headers = signDeployRequest(SECRET, BODY, NOW);
    const at = (nowMs: number) => verifyDeployRequest({ secret: SECRET, headers, body: BODY, nowMs });
    expect(at(NOW + 300_000).ok).toBe(true);
    expect(at(NOW - 300_000).ok).toBe(true);
    expect(at(NOW + 301_000)).toMatchObject({ ok: false, code: 'timestamp_stale' });
    expect(at(NOW - 301_000)).toMatchObject({ ok: false, code: 'timestamp_stale' });
  });

  it('says which header is missing or malformed', () => {
    const headers = signDeployRequest(SECRET, BODY, NOW);
    const verify = (h: Record<string, string>) =>
      verifyDeployRequest({ secret: SECRET, headers: h, body: BODY, nowMs: NOW });
    expect(verify({})).toMatchObject({
      code: 'signature_missing',
      message: expect.stringContaining('X-Aviary-Signature'),
    });
    expect(verify({ 'X-Aviary-Signature': headers['X-Aviary-Signature'] })).toMatchObject({
      code: 'timestamp_missing',
      message: expect.stringContaining('X-Aviary-Timestamp'),
    });
    expect(verify({ ...headers, 'X-Aviary-Timestamp': 'yesterday' })).toMatchObject({
      code: 'timestamp_invalid',
    });
    expect(
      verify({ ...headers, 'X-Aviary-Signature': headers['X-Aviary-Signature'].slice(7) }),
    ).toMatchObject({
      code: 'signature_malformed',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { readRawBody } from '../../lib/http/raw-body.js';
import { signSlackRequest, verifySlackRequest } from '../../lib/signatures/slack.js';
import { readJsonVector, readVector } from '../support/vectors.js';

interface SlackDocVector {
  signing_secret: string;
  headers: { 'X-Slack-Request-Timestamp': string; 'X-Slack-Signature': string };
  raw_body: string;
  expected_signature: string;
  verification: { negative_check_body_plus_x: { computed: string } };
}

const vector = readJsonVector<SlackDocVector>('slack_signing_doc_vector.json');
const body = readVector('slack_signing_doc_vector.body.txt');
const ts = Number(vector.headers['X-Slack-Request-Timestamp']);
const atVector = ts * 1000;

describe('Slack request signature (docs vector, injected clock)', () => {
  it('the body file holds the exact bytes of the documented raw body', () => {
    expect(body).toBe(vector.raw_body);
  });

  it('accepts the documented request at its own time', () => {
    const check = verifySlackRequest({
      signingSecret: vector.signing_secret,
      headers: vector.headers,
      body,
      nowMs: atVector,
    });
    expect(check).toEqual({ ok: true });
  });

  it('signs the documented body to the documented signature', () => {
    expect(signSlackRequest(vector.signing_secret, body, atVector)).toEqual(vector.headers);
  });

  it('reads header names case-insensitively (API Gateway lowercases them)', () => {
    const headers = {
      'x-slack-request-timestamp': vector.headers['X-Slack-Request-Timestamp'],
      'x-slack-signature': vector.headers['X-Slack-Signature'],
    };
    expect(
      verifySlackRequest({ signingSecret: vector.signing_secret, headers, body, nowMs: atVector }).ok,
    ).toBe(true);
  });

  it('refuses a body changed by one character', () => {
    const check = verifySlackRequest({
      signingSecret: vector.signing_secret,
      headers: vector.headers,
      body: `${body}x`,
      nowMs: atVector,
    });
    expect(check).toMatchObject({ ok: false, code: 'signature_invalid' });
    // The vector's own negative check: the body plus "x" signs to a different value.
    expect(signSlackRequest(vector.signing_secret, `${body}x`, atVector)['X-Slack-Signature']).toBe(
      vector.verification.negative_check_body_plus_x.computed,
    );
  });

  it('refuses the documented request with the real clock: it is from 2018', () => {
    const check = verifySlackRequest({
      signingSecret: vector.signing_secret,
      headers: vector.headers,
      body,
      nowMs: Date.now(),
    });
    expect(check).toMatchObject({ ok: false, code: 'timestamp_stale' });
  });

  it('keeps a five-minute window on both sides', () => {
    const verifyAt = (nowMs: number) =>
      verifySlackRequest({ signingSecret: vector.signing_secret, headers: vector.headers, body, nowMs }).ok;
    expect(verifyAt(atVector + 300_000)).toBe(true);
    expect(verifyAt(atVector + 301_000)).toBe(false);
    expect(verifyAt(atVector - 300_000)).toBe(true);
    expect(verifyAt(atVector - 301_000)).toBe(false);
  });

  it('refuses a wrong secret, missing headers, other versions and non-numeric timestamps', () => {
    const verify = (headers: Record<string, string>, secret = vector.signing_secret) =>
      verifySlackRequest({ signingSecret: secret, headers, body, nowMs: atVector });
    expect(verify(vector.headers, 'another-secret')).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(verify({ 'X-Slack-Request-Timestamp': String(ts) })).toMatchObject({ code: 'signature_missing' });
    expect(verify({ 'X-Slack-Signature': vector.expected_signature })).toMatchObject({
      code: 'timestamp_missing',
    });
    expect(
      verify({ ...vector.headers, 'X-Slack-Signature': vector.expected_signature.replace('v0=', 'v1=') }),
    ).toMatchObject({ code: 'signature_malformed' });
    expect(verify({ ...vector.headers, 'X-Slack-Request-Timestamp': '1531420618.5' })).toMatchObject({
      code: 'timestamp_invalid',
    });
  });
});

describe('Slack block_actions body (derived vector)', () => {
  const actions = readVector('slack_block_actions_body.DERIVED.txt');

  it('signs to the value the vector README documents', () => {
    const signature = signSlackRequest(vector.signing_secret, actions, atVector)['X-Slack-Signature'];
    expect(signature.startsWith('v0=e116d356')).toBe(true);
    expect(
      verifySlackRequest({
        signingSecret: vector.signing_secret,
        headers: { 'X-Slack-Request-Timestamp': String(ts), 'X-Slack-Signature': signature },
        body: actions,
        nowMs: atVector,
      }).ok,
    ).toBe(true);
  });

  it('verifies after decoding the base64 body API Gateway delivers for form posts', () => {
    const headers = signSlackRequest(vector.signing_secret, actions, atVector);
    const encoded = Buffer.from(actions, 'utf8').toString('base64');
    const raw = readRawBody({ body: encoded, isBase64Encoded: true });
    expect(raw.toString('utf8')).toBe(actions);
    expect(
      verifySlackRequest({ signingSecret: vector.signing_secret, headers, body: raw, nowMs: atVector }).ok,
    ).toBe(true);
    // Verifying the still-encoded text fails: decoding first is what makes it work.
    expect(
      verifySlackRequest({ signingSecret: vector.signing_secret, headers, body: encoded, nowMs: atVector })
        .ok,
    ).toBe(false);
  });
});

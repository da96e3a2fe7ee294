import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signGithubPayload, verifyGithubSignature } from '../../lib/signatures/github.js';
import { readJsonVector, readVector } from '../support/vectors.js';

interface GithubVector {
  secret: string;
  payload: string;
  expected_signature_hex: string;
  expected_header: { 'X-Hub-Signature-256': string };
}

const vector = readJsonVector<GithubVector>('github_webhook_signature_doc_vector.json');

describe('GitHub X-Hub-Signature-256 (docs vector)', () => {
  it('signs the documented payload to the documented header', () => {
    expect(signGithubPayload(vector.secret, vector.payload)).toBe(
      vector.expected_header['X-Hub-Signature-256'],
    );
    expect(vector.expected_header['X-Hub-Signature-256']).toBe(`sha256=${vector.expected_signature_hex}`);
  });

  it('accepts the documented delivery, header names in any case', () => {
    expect(
      verifyGithubSignature({ secret: vector.secret, headers: vector.expected_header, body: vector.payload }),
    ).toEqual({ ok: true });
    const lower = { 'x-hub-signature-256': vector.expected_header['X-Hub-Signature-256'] };
    expect(
      verifyGithubSignature({ secret: vector.secret, headers: lower, body: Buffer.from(vector.payload) }).ok,
    ).toBe(true);
  });

  it('refuses a changed payload, another secret, a missing or malformed header', () => {
    const headers = vector.expected_header;
    expect(verifyGithubSignature({ secret: vector.secret, headers, body: 'Hello, World?' })).toMatchObject({
      ok: false,
      code: 'signature_invalid',
    });
    expect(verifyGithubSignature({ secret: 'not it', headers, body: vector.payload })).toMatchObject({
      code: 'signature_invalid',
    });
    expect(verifyGithubSignature({ secret: vector.secret, headers: {}, body: vector.payload })).toMatchObject(
      {
        code: 'signature_missing',
      },
    );
    expect(
      verifyGithubSignature({
        secret: vector.secret,
        headers: { 'X-Hub-Signature-256': vector.expected_signature_hex },
        body: vector.payload,
      }),
    ).toMatchObject({ code: 'signature_malformed' });
  });

  it('hashes the body as UTF-8 bytes (payloads carry unicode)', () => {
    const payload = readVector('github_deployment_created.octokit.json').replace(
      'Hello-World',
      'Hëllo-Wörld ✓',
    );
    const expected = createHmac('sha256', vector.secret).update(Buffer.from(payload, 'utf8')).digest('hex');
    expect(signGithubPayload(vector.secret, payload)).toBe(`sha256=${expected}`);
    expect(
      verifyGithubSignature({
        secret: vector.secret,
        headers: { 'X-Hub-Signature-256': `sha256=${expected}` },
        body: Buffer.from(payload, 'utf8'),
      }).ok,
    ).toBe(true);
  });
});

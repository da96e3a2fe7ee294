import { describe, expect, it } from 'vitest';
import { header } from '../../lib/headers/header.js';
import { HttpError } from '../../lib/http/http-error.js';
import { errorResponse, responseForError } from '../../lib/http/json-response.js';
import { readRawBody } from '../../lib/http/raw-body.js';

describe('header lookup', () => {
  it('ignores case and prefers an exact match', () => {
    expect(header({ 'X-Slack-Signature': 'a' }, 'x-slack-signature')).toBe('a');
    expect(header({ 'x-slack-signature': 'b' }, 'X-Slack-Signature')).toBe('b');
    expect(header({ 'content-type': 'c' }, 'Content-Length')).toBeUndefined();
    expect(header(undefined, 'anything')).toBeUndefined();
  });
});

describe('raw body', () => {
  it('returns text bodies as their UTF-8 bytes and decodes base64 bodies', () => {
    expect(readRawBody({ body: 'héllo', isBase64Encoded: false })).toEqual(Buffer.from('héllo'));
    expect(
      readRawBody({ body: Buffer.from('a=1&b=2').toString('base64'), isBase64Encoded: true }).toString(),
    ).toBe('a=1&b=2');
    expect(readRawBody({ isBase64Encoded: false })).toEqual(Buffer.alloc(0));
  });

  it('allows exactly the limit and refuses one byte more with 413', () => {
    expect(readRawBody({ body: 'x'.repeat(100), isBase64Encoded: false }, 100)).toHaveLength(100);
    const tooLarge = () => readRawBody({ body: 'x'.repeat(101), isBase64Encoded: false }, 100);
    expect(tooLarge).toThrow(HttpError);
    expect(tooLarge).toThrow('exceeds 100 bytes');
    const encoded = Buffer.alloc(101).toString('base64');
    expect(() => readRawBody({ body: encoded, isBase64Encoded: true }, 100)).toThrow('exceeds 100 bytes');
    expect(
      readRawBody({ body: Buffer.alloc(100).toString('base64'), isBase64Encoded: true }, 100),
    ).toHaveLength(100);
  });

  it('refuses a body marked base64 that is not base64 with 400', () => {
    try {
      readRawBody({ body: 'payload=%7B%7D', isBase64Encoded: true });
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toMatchObject({ status: 400, code: 'invalid_body_encoding' });
    }
  });
});

describe('JSON error responses', () => {
  it('have the shape {error: {code, message, details?}} and a JSON content type', () => {
    const res = errorResponse(422, 'invalid_request', 'bad', { issues: [] });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'invalid_request', message: 'bad', details: { issues: [] } },
    });
    expect(JSON.parse(errorResponse(404, 'not_found', 'gone').body)).toEqual({
      error: { code: 'not_found', message: 'gone' },
    });
  });

  it('hide the message of unexpected errors', () => {
    const res = responseForError(new TypeError('cannot read properties of undefined (token xoxb-1)'));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('xoxb');
  });
});

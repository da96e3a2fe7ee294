import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackResponder } from '../../lib/notify/slack-responder.js';

describe('createSlackResponder', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(handler: (body: string, respond: (status: number) => void) => void): Promise<string> {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += String(chunk);
      });
      req.on('end', () =>
        handler(body, (status) => {
          res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
        }),
      );
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('posts a private, non-replacing message to an allowed response_url', async () => {
    const bodies: unknown[] = [];
    const origin = await listen((body, respond) => {
      bodies.push(JSON.parse(body));
      respond(200);
    });
    await createSlackResponder({ allowedOrigins: [origin] })(`${origin}/response/1`, 'not an approver');
    expect(bodies).toEqual([
      { response_type: 'ephemeral', replace_original: false, text: 'not an approver' },
    ]);
  });

  it('never calls a URL outside the allowed origins (the URL comes from a request body)', async () => {
    let called = false;
    const origin = await listen((_body, respond) => {
      called = true;
      respond(200);
    });
    const warnings: string[] = [];
    const respond = createSlackResponder({ log: (_level, message) => warnings.push(message) });
    await respond(`${origin}/response/1`, 'x');
    await respond('not a url', 'x');
    expect(called).toBe(false);
    expect(warnings).toEqual([
      'slack response_url outside the allowed origins; not answered',
      'slack response_url is not a URL; not answered',
    ]);
  });

  it('gives up quietly when the endpoint is slow or refuses, so the webhook still answers in time', async () => {
    const origin = await listen(() => {});
    const warnings: string[] = [];
    const respond = createSlackResponder({
      allowedOrigins: [origin],
      timeoutMs: 50,
      log: (_level, message) => warnings.push(message),
    });
    await expect(respond(`${origin}/slow`, 'x')).resolves.toBeUndefined();
    expect(warnings).toEqual(['slack response_url unreachable']);
  });
});

import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDeployWebhookHandler } from '../../functions/deploy-webhook.js';
import { makeRolloutsApiHandler } from '../../functions/rollouts-api.js';
import { makeSlackWebhookHandler } from '../../functions/slack-webhook.js';
import { type GatewayRoute, type HttpGateway, startHttpGateway } from '../../lib/local/http-gateway.js';
import { signDeployRequest } from '../../lib/signatures/deploy-hmac.js';
import { signSlackRequest } from '../../lib/signatures/slack.js';
import { blockActionsBody } from '../../lib/slack/block-actions-body.js';
import { APPROVER, appWith, SECRETS } from '../functions/fixtures.js';
import { quietLogger } from '../functions/lambda-events.js';
import { recordingEngine } from '../functions/recording-engine.js';
import { readJsonVector } from '../support/vectors.js';

const gateways: HttpGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.close()));
});

async function start(routes: GatewayRoute[]): Promise<HttpGateway> {
  const gateway = await startHttpGateway({ port: 0, routes });
  gateways.push(gateway);
  return gateway;
}

/** A route that records the event it was given and answers 204. */
function recorder(method: string, path: string) {
  const events: APIGatewayProxyEventV2[] = [];
  const route: GatewayRoute = {
    method,
    path,
    handler: async (event) => {
      events.push(event);
      return { statusCode: 204 };
    },
  };
  return { route, events };
}

const keys = (o: object) => Object.keys(o).sort();

describe('local HTTP gateway: the events it builds', () => {
  it('produce payload 2.0 events with the keys of the AWS docs event, valid for the Powertools schema', async () => {
    const { route, events } = recorder('POST', '/rollouts/{id}');
    const gateway = await start([route]);
    const res = await fetch(`${gateway.url}/rollouts/podinfo-3?x=1&x=2&y=%C3%A9`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'a=1; b=2', 'X-Custom': 'v' },
      body: '{"hello":"world"}',
    });
    expect(res.status).toBe(204);
    const event = events[0] as APIGatewayProxyEventV2;
    const docs = readJsonVector<Record<string, object>>('lambda_apigw_http_v2.apigw-docs.json');

    // Everything the gateway sends exists in the AWS example; only what HTTP API sends for a request like this is missing.
    const missing = keys(docs).filter((k) => !(k in event));
    expect(missing).toEqual(['stageVariables']);
    expect(keys(event).filter((k) => !(k in docs))).toEqual([]);
    const context = docs.requestContext as Record<string, object>;
    expect(keys(event.requestContext).filter((k) => !(k in context))).toEqual([]);
    expect(keys(context).filter((k) => !(k in event.requestContext))).toEqual([
      'authentication',
      'authorizer',
    ]);
    expect(keys(event.requestContext.http)).toEqual(keys(context.http as object));
    expect(APIGatewayProxyEventV2Schema.safeParse(event).success).toBe(true);

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /rollouts/{id}',
      rawPath: '/rollouts/podinfo-3',
      rawQueryString: 'x=1&x=2&y=%C3%A9',
      queryStringParameters: { x: '1,2', y: 'é' },
      pathParameters: { id: 'podinfo-3' },
      cookies: ['a=1', 'b=2'],
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'POST /rollouts/{id}',
        stage: '$default',
        http: { method: 'POST', path: '/rollouts/podinfo-3', sourceIp: '127.0.0.1' },
      },
    });
    expect(event.headers['x-custom']).toBe('v');
    expect(event.headers.cookie).toBeUndefined();
    expect(Object.keys(event.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('base64-encodes form bodies like API Gateway, and leaves out body and query when there are none', async () => {
    const { route, events } = recorder('ANY', '/webhooks/{name}');
    const gateway = await start([route]);
    await fetch(`${gateway.url}/webhooks/slack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=%7B%7D&text=caf%C3%A9',
    });
    await fetch(`${gateway.url}/webhooks/slack`);
    const [form, empty] = events as [APIGatewayProxyEventV2, APIGatewayProxyEventV2];
    expect(form.isBase64Encoded).toBe(true);
    expect(Buffer.from(form.body ?? '', 'base64').toString('utf8')).toBe('payload=%7B%7D&text=caf%C3%A9');
    expect(form.routeKey).toBe('ANY /webhooks/{name}');
    expect(empty.requestContext.http.method).toBe('GET');
    expect('body' in empty).toBe(false);
    expect(empty.isBase64Encoded).toBe(false);
    expect('queryStringParameters' in empty).toBe(false);
  });

  it('matches the most specific route and answers 404 like API Gateway otherwise', async () => {
    const list = recorder('GET', '/rollouts');
    const one = recorder('GET', '/rollouts/{id}');
    const gateway = await start([one.route, list.route]);
    await fetch(`${gateway.url}/rollouts`);
    await fetch(`${gateway.url}/rollouts/a%2Fb`);
    expect(list.events).toHaveLength(1);
    expect(one.events[0]?.pathParameters).toEqual({ id: 'a/b' });
    for (const [method, path] of [
      ['GET', '/rollouts/a/b'],
      ['POST', '/rollouts'],
      ['GET', '/nothing'],
    ] as const) {
      const res = await fetch(`${gateway.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('writes results back as API Gateway does: structured, plain strings, objects, errors', async () => {
    const gateway = await start([
      {
        method: 'GET',
        path: '/structured',
        handler: async () => ({
          statusCode: 201,
          headers: { 'X-Thing': 'yes' },
          cookies: ['session=1'],
          body: Buffer.from('binary').toString('base64'),
          isBase64Encoded: true,
        }),
      },
      { method: 'GET', path: '/string', handler: async () => '{"plain":true}' },
      { method: 'GET', path: '/object', handler: async () => ({ answer: 42 }) as never },
      {
        method: 'GET',
        path: '/throws',
        handler: async () => {
          throw new Error('boom');
        },
      },
    ]);
    const structured = await fetch(`${gateway.url}/structured`);
    expect(structured.status).toBe(201);
    expect(structured.headers.get('x-thing')).toBe('yes');
    expect(structured.headers.get('set-cookie')).toBe('session=1');
    expect(await structured.text()).toBe('binary');
    const plain = await fetch(`${gateway.url}/string`);
    expect([plain.status, await plain.json()]).toEqual([200, { plain: true }]);
    const object = await fetch(`${gateway.url}/object`);
    expect([object.status, await object.json()]).toEqual([200, { answer: 42 }]);
    const thrown = await fetch(`${gateway.url}/throws`);
    expect([thrown.status, await thrown.json()]).toEqual([500, { message: 'Internal Server Error' }]);
  });

  it('refuses bodies over its limit with 413', async () => {
    const { route, events } = recorder('POST', '/upload');
    const gateway = await startHttpGateway({ routes: [route], maxBodyBytes: 1024 });
    gateways.push(gateway);
    const res = await fetch(`${gateway.url}/upload`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
    expect(events).toEqual([]);
  });
});

describe('local HTTP gateway: round trips through the real handlers', () => {
  it("a signed deploy webhook starts a rollout; a forged one gets the handler's 401", async () => {
    const engine = recordingEngine();
    const app = appWith(engine, { clock: Date.now });
    const gateway = await start([
      {
        method: 'POST',
        path: '/webhooks/deploy',
        handler: makeDeployWebhookHandler(async () => app, quietLogger()),
      },
    ]);
    const body = JSON.stringify({ target: 'podinfo', revision: 'abc1234' });
    const ok = await fetch(`${gateway.url}/webhooks/deploy`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signDeployRequest(SECRETS.deploySecret, body, Date.now()),
      },
      body,
    });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({
      created: true,
      rollout: { target: 'podinfo', revision: 'abc1234' },
    });
    const forged = await fetch(`${gateway.url}/webhooks/deploy`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signDeployRequest('guess', body, Date.now()) },
      body,
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: 'signature_invalid' } });
    expect(engine.calls).toHaveLength(1);
  });

  it('a Slack click arrives base64-encoded, is verified on the decoded bytes and reaches the engine', async () => {
    const engine = recordingEngine();
    const app = appWith(engine, { clock: Date.now });
    const gateway = await start([
      {
        method: 'POST',
        path: '/webhooks/slack',
        handler: makeSlackWebhookHandler(async () => app, quietLogger()),
      },
    ]);
    const body = blockActionsBody({
      userId: APPROVER,
      decision: 'approve',
      value: { rolloutId: 'podinfo-1', revision: 'abc1234', gate: 'promotion' },
      // The fixtures' workspace and Grid org.
      teamId: 'T0001',
      enterpriseId: 'E0001',
    });
    const res = await fetch(`${gateway.url}/webhooks/slack`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...signSlackRequest(SECRETS.slackSigningSecret, body, Date.now()),
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(engine.calls).toEqual([
      {
        method: 'command',
        ref: 'podinfo-1',
        command: { kind: 'approve', actor: APPROVER, revision: 'abc1234', gate: 'promotion' },
      },
    ]);
  });

  it('path parameters and query strings reach the rollouts API', async () => {
    const engine = recordingEngine();
    const handler = makeRolloutsApiHandler(async () => appWith(engine), quietLogger());
    const gateway = await start([
      { method: 'GET', path: '/rollouts', handler },
      { method: 'GET', path: '/rollouts/{id}', handler },
    ]);
    const one = await fetch(`${gateway.url}/rollouts/podinfo-1`);
    expect(await one.json()).toMatchObject({ id: 'podinfo-1', phase: 'pending' });
    const list = await fetch(`${gateway.url}/rollouts?target=podinfo&limit=3`);
    expect(list.status).toBe(200);
    const bad = await fetch(`${gateway.url}/rollouts?limit=-1`);
    expect(bad.status).toBe(400);
    expect(engine.calls).toEqual([
      { method: 'status', id: 'podinfo-1' },
      { method: 'list', options: { target: 'podinfo', limit: 3 } },
    ]);
  });

  it('headers and query parameters named constructor or __proto__ arrive as sent, and are answered with a 4xx', async () => {
    const { route, events } = recorder('GET', '/rollouts');
    const engine = recordingEngine();
    const handler = makeRolloutsApiHandler(async () => appWith(engine), quietLogger());
    const recorded = await start([route]);
    await fetch(`${recorded.url}/rollouts?constructor=a&__proto__=b&toString=c`, {
      headers: { constructor: 'x', 'x-proto': 'y' },
    });
    const event = events[0] as APIGatewayProxyEventV2;
    expect(event.headers.constructor).toBe('x');
    expect({ ...event.queryStringParameters }).toEqual(
      JSON.parse('{"constructor":"a","__proto__":"b","toString":"c"}'),
    );
    const gateway = await start([{ method: 'GET', path: '/rollouts', handler }]);
    const withHeader = await fetch(`${gateway.url}/rollouts`, { headers: { constructor: 'x' } });
    expect(withHeader.status).toBe(200);
    for (const name of ['constructor', '__proto__', 'toString']) {
      const withQuery = await fetch(`${gateway.url}/rollouts?${name}=x`);
      expect(withQuery.status).toBe(400);
      expect(await withQuery.json()).toMatchObject({ error: { code: 'invalid_query' } });
    }
  });
});

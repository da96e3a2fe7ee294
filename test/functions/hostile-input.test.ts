import { describe, expect, it } from 'vitest';
import { makeDeployWebhookHandler } from '../../functions/deploy-webhook.js';
import { makeGithubWebhookHandler } from '../../functions/github-webhook.js';
import { makeRolloutsApiHandler } from '../../functions/rollouts-api.js';
import { makeSlackWebhookHandler } from '../../functions/slack-webhook.js';
import type { App } from '../../lib/app/app.js';
import { signDeployRequest } from '../../lib/signatures/deploy-hmac.js';
import { signGithubPayload } from '../../lib/signatures/github.js';
import { signSlackRequest } from '../../lib/signatures/slack.js';
import { readVector } from '../support/vectors.js';
import { APPROVER, appWith, NOW, SECRETS } from './fixtures.js';
import { httpEvent, lambdaContext, quietLogger, responseOf } from './lambda-events.js';
import { recordingEngine } from './recording-engine.js';

/**
 * Names an attacker picks for headers and query parameters, and values longer than a DynamoDB key may be:
 * none of them may produce a 5xx, and nothing past the guards may be called.
 */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const OVER_2KB = 'a'.repeat(2_100);

type Factory = (getApp: () => Promise<App>, logger: ReturnType<typeof quietLogger>) => unknown;
const ROUTES: { name: string; method: string; path: string; make: Factory }[] = [
  { name: 'deploy webhook', method: 'POST', path: '/webhooks/deploy', make: makeDeployWebhookHandler },
  { name: 'github webhook', method: 'POST', path: '/webhooks/github', make: makeGithubWebhookHandler },
  { name: 'slack webhook', method: 'POST', path: '/webhooks/slack', make: makeSlackWebhookHandler },
  { name: 'rollouts api', method: 'GET', path: '/rollouts', make: makeRolloutsApiHandler },
];

async function send(make: Factory, event: ReturnType<typeof httpEvent>) {
  const engine = recordingEngine();
  const handler = make(async () => appWith(engine), quietLogger()) as (
    e: unknown,
    c: unknown,
  ) => Promise<unknown>;
  return { response: responseOf(await handler(event, lambdaContext())), engine };
}

describe('headers and query parameters named after Object.prototype members', () => {
  for (const route of ROUTES) {
    for (const name of PROTOTYPE_NAMES) {
      it(`${route.name}: a header named ${name} is a 4xx (or a normal answer), never a 5xx`, async () => {
        const { response, engine } = await send(
          route.make,
          httpEvent({ method: route.method, path: route.path, headers: { [name]: 'x' } }),
        );
        expect(response.status, response.body).toBeLessThan(500);
        if (route.method === 'POST') {
          // Unsigned: refused by the signature check, the engine untouched.
          expect(response.status).toBe(401);
          expect(engine.calls).toEqual([]);
        } else {
          expect(response.status).toBe(200);
        }
      });

      it(`${route.name}: a query parameter named ${name} is a 4xx JSON error, never a 5xx`, async () => {
        const { response, engine } = await send(
          route.make,
          httpEvent({ method: route.method, path: route.path, query: { [name]: 'x' } }),
        );
        expect(response.status, response.body).toBeGreaterThanOrEqual(400);
        expect(response.status, response.body).toBeLessThan(500);
        expect(response.json).toMatchObject({ error: { code: expect.any(String) } });
        expect(engine.calls).toEqual([]);
      });
    }
  }

  it('the same header sent as a JSON object key from API Gateway (own property) is read as a header', async () => {
    // A signed deploy whose signature header arrives next to a `constructor` header still verifies.
    const body = JSON.stringify({ target: 'podinfo', revision: 'abc1234' });
    const { response } = await send(
      makeDeployWebhookHandler,
      httpEvent({
        method: 'POST',
        path: '/webhooks/deploy',
        headers: {
          constructor: 'x',
          'content-type': 'application/json',
          ...signDeployRequest(SECRETS.deploySecret, body, NOW),
        },
        body,
      }),
    );
    expect(response.status, response.body).toBe(202);
  });
});

describe('ids that would become DynamoDB keys are bounded before they get there', () => {
  it('deploy webhook: an X-Aviary-Delivery over 2 KB is a 400 naming the header', async () => {
    const body = JSON.stringify({ target: 'podinfo', revision: 'abc1234' });
    const { response, engine } = await send(
      makeDeployWebhookHandler,
      httpEvent({
        method: 'POST',
        path: '/webhooks/deploy',
        headers: {
          'content-type': 'application/json',
          'x-aviary-delivery': OVER_2KB,
          ...signDeployRequest(SECRETS.deploySecret, body, NOW),
        },
        body,
      }),
    );
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error: { code: 'invalid_header', message: expect.stringContaining('x-aviary-delivery') },
    });
    expect(engine.calls).toEqual([]);
  });

  it('github webhook: an X-GitHub-Delivery over 2 KB is a 400 naming the header', async () => {
    const body = readVector('github_deployment_created.octokit.json');
    const { response, engine } = await send(
      makeGithubWebhookHandler,
      httpEvent({
        method: 'POST',
        path: '/webhooks/github',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'deployment',
          'x-github-delivery': OVER_2KB,
          'x-hub-signature-256': signGithubPayload(SECRETS.githubWebhookSecret, body),
        },
        body,
      }),
    );
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: 'invalid_header' } });
    expect(engine.calls).toEqual([]);
  });

  it('slack: a slash-command reference over 2 KB gets the usage text, and no lookup is made', async () => {
    for (const verb of ['status', 'abort', 'approve']) {
      const form = new URLSearchParams(readVector('slack_slash_command_body.weather.txt'));
      form.set('command', '/aviary');
      form.set('text', `${verb} ${OVER_2KB}`);
      form.set('user_id', APPROVER);
      const body = form.toString();
      const { response, engine } = await send(
        makeSlackWebhookHandler,
        httpEvent({
          method: 'POST',
          path: '/webhooks/slack',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...signSlackRequest(SECRETS.slackSigningSecret, body, NOW),
          },
          body: Buffer.from(body).toString('base64'),
          isBase64Encoded: true,
        }),
      );
      expect(response.status, response.body).toBe(200);
      expect(response.json).toMatchObject({
        response_type: 'ephemeral',
        text: expect.stringContaining('is not a rollout id or target name'),
      });
      expect(response.body.length).toBeLessThan(1_000);
      expect(engine.calls).toEqual([]);
    }
  });

  it('rollouts api: an id over 2 KB is a 400', async () => {
    const { response, engine } = await send(
      makeRolloutsApiHandler,
      httpEvent({ method: 'GET', path: '/rollouts/x', pathParameters: { id: OVER_2KB } }),
    );
    expect(response.status).toBe(400);
    expect(engine.calls).toEqual([]);
  });
});

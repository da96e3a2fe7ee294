import { describe, expect, it } from 'vitest';
import { makeGithubWebhookHandler } from '../../functions/github-webhook.js';
import { signGithubPayload } from '../../lib/signatures/github.js';
import { readVector } from '../support/vectors.js';
import { appWith, pendingRollout, SECRETS } from './fixtures.js';
import { httpEvent, lambdaContext, quietLogger, responseOf } from './lambda-events.js';
import { recordingEngine } from './recording-engine.js';

/** The documented delivery headers (`> Name: value` lines), as API Gateway would pass them on. */
function deliveryHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of readVector('github_webhook_delivery_headers.doc-example.txt').split('\n')) {
    const match = line.match(/^> ([A-Za-z0-9-]+): (.*)$/);
    if (match?.[1] && match[2] !== undefined) headers[match[1].toLowerCase()] = match[2];
  }
  return headers;
}

/** GitHub's example deployment, naming the image to roll out in its payload (as a CI workflow would). */
const IMAGE = 'ghcr.io/codertocat/hello-world:f95f852';
const DEPLOYMENT = (() => {
  const event = JSON.parse(readVector('github_deployment_created.octokit.json'));
  event.deployment.payload = { image: IMAGE };
  return JSON.stringify(event);
})();

function setup(engine = recordingEngine()) {
  const handler = makeGithubWebhookHandler(async () => appWith(engine), quietLogger());
  const call = async (input: { event: string; body?: string; signature?: string | null }) => {
    const body = input.body ?? DEPLOYMENT;
    const headers: Record<string, string> = { ...deliveryHeaders(), 'x-github-event': input.event };
    delete headers['x-hub-signature-256'];
    delete headers['x-hub-signature'];
    const signature =
      input.signature === undefined ? signGithubPayload(SECRETS.githubWebhookSecret, body) : input.signature;
    if (signature !== null) headers['x-hub-signature-256'] = signature;
    const event = httpEvent({ method: 'POST', path: '/webhooks/github', headers, body });
    return responseOf(await handler(event, lambdaContext()));
  };
  return { engine, call };
}

describe('POST /webhooks/github', () => {
  it('starts a rollout on every target mapped to the deployment environment', async () => {
    const { engine, call } = setup();
    const res = await call({ event: 'deployment' });
    expect(res.status).toBe(202);
    // The signed deployment id names the delivery (per target); the unsigned X-GitHub-Delivery does not.
    const source = (target: string) => ({
      kind: 'github',
      deliveryId: `145988746@${target}`,
      actor: 'Codertocat',
    });
    const github = {
      repository: 'Codertocat/Hello-World',
      deploymentId: 145988746,
      environment: 'production',
    };
    const revision = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
    expect(engine.calls).toEqual([
      {
        method: 'start',
        input: { target: 'podinfo', revision, image: IMAGE, source: source('podinfo'), github },
      },
      {
        method: 'start',
        input: { target: 'checkout', revision, image: IMAGE, source: source('checkout'), github },
      },
    ]);
    expect(res.json).toEqual({
      rollouts: [
        {
          id: 'podinfo-2',
          target: 'podinfo',
          revision: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
          image: IMAGE,
          phase: 'pending',
          created: true,
        },
        {
          id: 'checkout-2',
          target: 'checkout',
          revision: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
          image: IMAGE,
          phase: 'pending',
          created: true,
        },
      ],
    });
  });

  it('answers 200 when a redelivery created nothing', async () => {
    const { call } = setup(
      recordingEngine({ start: async () => ({ ok: true, rollout: pendingRollout(), created: false }) }),
    );
    expect((await call({ event: 'deployment' })).status).toBe(200);
  });

  it('acknowledges an environment no target is mapped to, without starting anything', async () => {
    const { engine, call } = setup();
    const staging = DEPLOYMENT.replaceAll('"production"', '"staging"');
    const res = await call({ event: 'deployment', body: staging });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      ignored: true,
      reason: 'no target is mapped to GitHub environment "staging"',
    });
    expect(engine.calls).toEqual([]);
  });

  it('answers ping with 200 and ignores other events with 202 and a reason', async () => {
    const { engine, call } = setup();
    expect((await call({ event: 'ping', body: '{"zen":"Keep it logically awesome."}' })).status).toBe(200);
    const status = await call({
      event: 'deployment_status',
      body: readVector('github_deployment_status_created.octokit.json'),
    });
    expect(status.status).toBe(202);
    expect(status.json).toMatchObject({
      ignored: true,
      reason: expect.stringContaining('deployment_status'),
    });
    expect((await call({ event: 'issues', body: '{}' })).json).toMatchObject({ ignored: true });
    expect(engine.calls).toEqual([]);
  });

  it.each([
    ['missing', null, 'signature_missing'],
    ['forged', signGithubPayload('not the secret', DEPLOYMENT), 'signature_invalid'],
    ['legacy sha1 only', 'sha1=7d38cdd689735b008b3c702edd92eea23791c5f6', 'signature_malformed'],
  ])('refuses a %s signature with 401 without starting anything', async (_name, signature, code) => {
    const { engine, call } = setup();
    const res = await call({ event: 'deployment', signature });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code, message: expect.stringContaining('X-Hub-Signature-256') } });
    expect(engine.calls).toEqual([]);
  });

  it('refuses a deployment payload without an environment with 422', async () => {
    const { engine, call } = setup();
    const res = await call({ event: 'deployment', body: JSON.stringify({ deployment: { sha: 'abc' } }) });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({
      error: {
        details: {
          issues: expect.arrayContaining([{ field: 'deployment.environment', message: expect.any(String) }]),
        },
      },
    });
    expect(engine.calls).toEqual([]);
  });
});

import { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { makeSlackWebhookHandler } from '../../functions/slack-webhook.js';
import { createLambdaFollowUps, followUpOf } from '../../lib/notify/lambda-follow-ups.js';
import { appWith } from './fixtures.js';
import { httpEvent, lambdaContext, quietLogger } from './lambda-events.js';
import { recordingEngine } from './recording-engine.js';

describe('Slack follow-ups on Lambda: an asynchronous self-invocation', () => {
  it('invokes the function itself with InvocationType Event and the work as payload', async () => {
    const client = new LambdaClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const sent: Record<string, unknown>[] = [];
    // Stops the real client before the network: what it would send is what is checked.
    client.middlewareStack.add(
      () => async (args) => {
        sent.push(args.input as Record<string, unknown>);
        return { output: { StatusCode: 202, $metadata: {} }, response: {} };
      },
      { step: 'initialize', name: 'captureInvoke' },
    );
    const followUps = createLambdaFollowUps({ client, functionName: 'aviary-prod-slackWebhook' });
    await followUps.enqueue({ kind: 'publish', rolloutId: 'podinfo-3' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ FunctionName: 'aviary-prod-slackWebhook', InvocationType: 'Event' });
    const payload = JSON.parse(Buffer.from(sent[0]?.Payload as Uint8Array).toString('utf8'));
    expect(followUpOf(payload)).toEqual({ kind: 'publish', rolloutId: 'podinfo-3' });
  });

  it('the Slack function runs a self-invocation as follow-up work, and never takes an HTTP event for one', async () => {
    const engine = recordingEngine();
    const handler = makeSlackWebhookHandler(async () => appWith(engine), quietLogger());
    const done = await handler(
      { aviaryFollowUp: { kind: 'publish', rolloutId: 'podinfo-1' } } as never,
      lambdaContext(),
    );
    expect(done).toBeUndefined();
    expect(engine.published).toEqual(['podinfo-1']);
    // An HTTP request whose body says the same is an HTTP request: unsigned, refused.
    const http = await handler(
      httpEvent({
        method: 'POST',
        path: '/webhooks/slack',
        body: JSON.stringify({ aviaryFollowUp: { kind: 'publish', rolloutId: 'podinfo-1' } }),
      }),
      lambdaContext(),
    );
    expect(http?.statusCode).toBe(401);
    expect(engine.published).toEqual(['podinfo-1']);
    expect(followUpOf({ aviaryFollowUp: { kind: 'publish' } })).toBeNull();
  });
});

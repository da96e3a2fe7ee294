import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeployWebhookHandler } from '../../functions/deploy-webhook.js';
import { makeGithubWebhookHandler } from '../../functions/github-webhook.js';
import { makeSlackWebhookHandler } from '../../functions/slack-webhook.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../lib/http/raw-body.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import type { EmbeddedStack } from '../../lib/local/embedded-stack.js';
import { approvalButtonFor, type LocalClient, type LocalResponse } from '../../lib/local/local-client.js';
import {
  DEPLOY_SIGNATURE_HEADER,
  DEPLOY_TIMESTAMP_HEADER,
  signDeployRequest,
} from '../../lib/signatures/deploy-hmac.js';
import { GITHUB_SIGNATURE_HEADER, signGithubPayload } from '../../lib/signatures/github.js';
import {
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  signSlackRequest,
} from '../../lib/signatures/slack.js';
import type { ApprovalButtonValue } from '../../lib/slack/approval-button.js';
import { blockActionsBody } from '../../lib/slack/block-actions-body.js';
import { DynamoDbRolloutStore } from '../../lib/store/dynamodb-store.js';
import { readJsonVector } from '../support/vectors.js';
import { APPROVER, type FakeClock, STRANGER, startTestStack, statusOf, tickUntil } from './stack.js';

/**
 * Every request here is refused, and every body is one that WOULD change something if the guard in front of
 * it let it through (a new revision of podinfo, an approval of the pending gate, an abort): so "nothing
 * changed" is a real check, not a tautology.
 */

const FIVE_MINUTES_MS = 5 * 60 * 1000;
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

interface BadRequest {
  name: string;
  /** Builds the request at the time of sending (signatures use the fake clock). */
  build: () => { path?: string; body: string; headers: Record<string, string> };
  status: number;
  code: string;
  message: RegExp;
  /** A field the 422's `details.issues` must name. */
  field?: string;
}

interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: { field: string; message: string }[] } };
}

describe('bad requests through the HTTP gateway are refused with a 4xx that says why, and change nothing', () => {
  let dynamo: DynamoDbLocal;
  let stack: EmbeddedStack;
  let clock: FakeClock;
  let client: LocalClient;
  let store: DynamoDbRolloutStore;
  let rolloutId: string;
  /** The Approve button of the pending promotion gate, as Aviary rendered it. */
  let approveButton: ApprovalButtonValue;

  const REVISION = 'rev-651';
  const IMAGE = 'ghcr.io/stefanprodan/podinfo:6.5.1';
  /** A deploy that would supersede the rollout under test if it got through. */
  const wouldDeploy = () =>
    JSON.stringify({ target: 'podinfo', revision: 'rev-999', image: 'ghcr.io/stefanprodan/podinfo:9.9.9' });
  /** GitHub's own `deployment` payload, moved to the environment that maps to podinfo: it would start a rollout. */
  const githubDeployment = (mutate: (p: Record<string, unknown>) => void = () => {}) => {
    const payload = readJsonVector<Record<string, unknown> & { deployment: Record<string, unknown> }>(
      'github_deployment_created.octokit.json',
    );
    payload.deployment.environment = 'demo';
    mutate(payload);
    return JSON.stringify(payload);
  };
  const githubHeaders = (
    body: string,
    secret = stack.secrets.githubWebhookSecret,
  ): Record<string, string> => ({
    'content-type': JSON_TYPE,
    'x-github-event': 'deployment',
    'x-github-delivery': randomBytes(8).toString('hex'),
    [GITHUB_SIGNATURE_HEADER]: signGithubPayload(secret, body),
  });
  /** `/aviary abort podinfo` by an approver: it would roll the canary back if it got through. */
  const wouldAbort = () =>
    new URLSearchParams({
      command: '/aviary',
      text: 'abort podinfo',
      user_id: APPROVER,
      team_id: 'T0AVIARY',
      channel_id: 'C0AVIARY',
    }).toString();
  /** The approver clicking Approve on the pending gate: it would promote if it got through. */
  const wouldApprove = () =>
    blockActionsBody({ userId: APPROVER, decision: 'approve', value: approveButton });
  const slackHeaders = (body: string, at = clock.now(), secret = stack.secrets.slackSigningSecret) => ({
    'content-type': FORM_TYPE,
    ...signSlackRequest(secret, body, at),
  });
  const deployHeaders = (body: string, at = clock.now(), secret = stack.secrets.deploySecret) => ({
    'content-type': JSON_TYPE,
    ...signDeployRequest(secret, body, at),
  });

  /** Everything a request could have changed: stored rollouts and head, decisions, cluster routers, Slack. */
  async function snapshot() {
    const list = await client.get('/rollouts');
    expect(list.status).toBe(200);
    const rollouts = (list.body as { rollouts: { id: string }[] }).rollouts;
    const details = await Promise.all(
      rollouts.map(async ({ id }) => {
        const status = await statusOf(client, id);
        const stored = await store.getRollout(id);
        return {
          id,
          phase: status.phase,
          revision: status.revision,
          canaryWeight: status.canaryWeight,
          approval: status.approval,
          updatedAt: status.updatedAt,
          version: stored?.version,
          historyLength: status.history.length,
        };
      }),
    );
    const sim = stack.clusters.get('sim');
    const edge = stack.clusters.get('edge');
    if (!sim || !edge) throw new Error('the e2e config has clusters sim and edge');
    // The list's signed view link expires relative to the clock, which each case moves: not state a request changed.
    const { viewUrl: _viewUrl, ...listed } = list.body as Record<string, unknown>;
    return {
      list: listed,
      details,
      heads: { podinfo: await store.getHead('podinfo'), checkout: await store.getHead('checkout') },
      weights: {
        podinfo: sim.weightsOf(stack.target('podinfo')),
        checkout: edge.weightsOf(stack.target('checkout')),
      },
      clusterWrites: [sim, edge].map((c) => c.api.requests.filter((r) => r.method !== 'GET').length),
      slackCalls: stack.slack?.calls.length,
      slackUpdates: stack.slack?.messages.map((m) => `${m.ts}:${m.updates}`),
    };
  }

  function expectError(
    response: LocalResponse,
    c: Pick<BadRequest, 'status' | 'code' | 'message' | 'field'>,
  ) {
    const what = JSON.stringify(response.body);
    expect(response.status, what).toBe(c.status);
    const { error } = response.body as ErrorBody;
    expect(error, what).toBeDefined();
    expect(error.code).toBe(c.code);
    expect(error.message).toMatch(c.message);
    if (c.field)
      expect(
        error.details?.issues?.map((i) => i.field),
        what,
      ).toContain(c.field);
  }

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    ({ stack, clock, client } = await startTestStack(dynamo, { seed: 21 }));
    store = new DynamoDbRolloutStore({ client: stack.dynamo.doc, tableName: stack.tableName });

    // A rollout waiting at its promotion gate, the canary at 50 %: the state every bad request must leave alone.
    const started = await client.deploy({ target: 'podinfo', revision: REVISION, image: IMAGE });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    rolloutId = (started.body as { rollout: { id: string } }).rollout.id;
    const { status } = await tickUntil(stack, clock, client, rolloutId, ['awaiting_approval', 'failed']);
    expect(status.phase).toBe('awaiting_approval');
    const value = approvalButtonFor(stack.slack?.messages ?? [], rolloutId);
    if (!value) throw new Error('no Approve button on the approval message');
    approveButton = value;
  });

  afterAll(async () => {
    await stack?.close();
    await dynamo?.stop();
  });

  it('starts from a rollout awaiting approval at 50 %', async () => {
    const status = await statusOf(client, rolloutId);
    expect(status.phase).toBe('awaiting_approval');
    expect(status.approval).toMatchObject({ gate: 'promotion', revision: REVISION });
    expect(stack.clusters.get('sim')?.weightsOf(stack.target('podinfo'))).toEqual({
      primary: 50,
      canary: 50,
    });
    expect(approveButton).toEqual({ rolloutId, revision: REVISION, gate: 'promotion' });
  });

  const oversize = (prefix: string) => prefix + 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES + 1 - prefix.length);

  const deployCases: BadRequest[] = [
    {
      name: 'forged signature',
      build: () => {
        const body = wouldDeploy();
        return {
          body,
          headers: {
            ...deployHeaders(body),
            [DEPLOY_SIGNATURE_HEADER]: `sha256=${randomBytes(32).toString('hex')}`,
          },
        };
      },
      status: 401,
      code: 'signature_invalid',
      message: /X-Aviary-Signature does not match/,
    },
    {
      name: 'signed with the wrong secret',
      build: () => {
        const body = wouldDeploy();
        return { body, headers: deployHeaders(body, clock.now(), 'not-the-deploy-secret') };
      },
      status: 401,
      code: 'signature_invalid',
      message: /does not match the body/,
    },
    {
      name: 'body changed after signing',
      build: () => {
        const signed = JSON.stringify({ target: 'podinfo', revision: REVISION });
        return { body: wouldDeploy(), headers: deployHeaders(signed) };
      },
      status: 401,
      code: 'signature_invalid',
      message: /does not match the body/,
    },
    {
      name: 'signature without the sha256= prefix',
      build: () => {
        const body = wouldDeploy();
        const headers = deployHeaders(body);
        return {
          body,
          headers: { ...headers, [DEPLOY_SIGNATURE_HEADER]: headers[DEPLOY_SIGNATURE_HEADER].slice(7) },
        };
      },
      status: 401,
      code: 'signature_malformed',
      message: /sha256=<hex>/,
    },
    {
      name: 'stale timestamp (signed 5 min 1 s ago)',
      build: () => {
        const body = wouldDeploy();
        return { body, headers: deployHeaders(body, clock.now() - FIVE_MINUTES_MS - 1000) };
      },
      status: 401,
      code: 'timestamp_stale',
      message: /X-Aviary-Timestamp is 301 s away from now/,
    },
    {
      // The window's edge: signed exactly 5 min ago still passes the signature check, then the target is refused.
      name: 'signed exactly 5 min ago, for an unknown target',
      build: () => {
        const body = JSON.stringify({ target: 'no-such-service', revision: 'rev-999' });
        return { body, headers: deployHeaders(body, clock.now() - FIVE_MINUTES_MS) };
      },
      status: 404,
      code: 'not_found',
      message: /unknown target/,
    },
    {
      name: 'timestamp from the future (5 min 1 s ahead)',
      build: () => {
        const body = wouldDeploy();
        return { body, headers: deployHeaders(body, clock.now() + FIVE_MINUTES_MS + 1000) };
      },
      status: 401,
      code: 'timestamp_stale',
      message: /301 s away/,
    },
    {
      name: 'missing signature header',
      build: () => {
        const body = wouldDeploy();
        const { [DEPLOY_SIGNATURE_HEADER]: _, ...headers } = deployHeaders(body);
        return { body, headers };
      },
      status: 401,
      code: 'signature_missing',
      message: /missing X-Aviary-Signature/,
    },
    {
      name: 'missing timestamp header',
      build: () => {
        const body = wouldDeploy();
        const { [DEPLOY_TIMESTAMP_HEADER]: _, ...headers } = deployHeaders(body);
        return { body, headers };
      },
      status: 401,
      code: 'timestamp_missing',
      message: /missing X-Aviary-Timestamp/,
    },
    {
      name: 'timestamp that is not unix seconds',
      build: () => {
        const body = wouldDeploy();
        return { body, headers: { ...deployHeaders(body), [DEPLOY_TIMESTAMP_HEADER]: 'yesterday' } };
      },
      status: 401,
      code: 'timestamp_invalid',
      message: /unix seconds/,
    },
    {
      name: 'malformed JSON (correctly signed)',
      build: () => {
        const body = '{"target": "podinfo", "revision": "rev-999"';
        return { body, headers: deployHeaders(body) };
      },
      status: 400,
      code: 'invalid_json',
      message: /not valid JSON/,
    },
    {
      name: 'unknown target',
      build: () => {
        const body = JSON.stringify({ target: 'no-such-service', revision: 'rev-999' });
        return { body, headers: deployHeaders(body) };
      },
      status: 404,
      code: 'not_found',
      message: /unknown target "no-such-service"/,
    },
    {
      name: 'missing revision',
      build: () => {
        const body = JSON.stringify({ target: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:9.9.9' });
        return { body, headers: deployHeaders(body) };
      },
      status: 422,
      code: 'invalid_request',
      message: /revision/,
      field: 'revision',
    },
    {
      name: 'revision with characters a revision cannot have',
      build: () => {
        const body = JSON.stringify({ target: 'podinfo', revision: '../../etc/passwd' });
        return { body, headers: deployHeaders(body) };
      },
      status: 422,
      code: 'invalid_request',
      message: /revision: must be letters, digits/,
      field: 'revision',
    },
    {
      name: 'image with whitespace',
      build: () => {
        const body = JSON.stringify({ target: 'podinfo', revision: 'rev-999', image: 'podinfo 9.9.9' });
        return { body, headers: deployHeaders(body) };
      },
      status: 422,
      code: 'invalid_request',
      message: /image: must not contain whitespace/,
      field: 'image',
    },
    {
      name: 'a JSON array instead of an object',
      build: () => {
        const body = JSON.stringify([{ target: 'podinfo', revision: 'rev-999' }]);
        return { body, headers: deployHeaders(body) };
      },
      status: 422,
      code: 'invalid_request',
      message: /\(body\)/,
      field: '(body)',
    },
    {
      name: `oversized body (over ${DEFAULT_BODY_LIMIT_BYTES} bytes, correctly signed)`,
      build: () => {
        const body = oversize(`{"target":"podinfo","revision":"rev-999","actor":"`);
        return { body, headers: deployHeaders(body) };
      },
      status: 413,
      code: 'payload_too_large',
      message: new RegExp(`exceeds ${DEFAULT_BODY_LIMIT_BYTES} bytes`),
    },
    {
      name: 'text/plain content type (correctly signed)',
      build: () => {
        const body = wouldDeploy();
        return { body, headers: { ...deployHeaders(body), 'content-type': 'text/plain' } };
      },
      status: 415,
      code: 'unsupported_media_type',
      message: /expected Content-Type application\/json, got text\/plain/,
    },
    {
      // The gateway base64-encodes form bodies; the signature still verifies on the decoded bytes, then 415.
      name: 'form content type (correctly signed)',
      build: () => {
        const body = wouldDeploy();
        return { body, headers: { ...deployHeaders(body), 'content-type': FORM_TYPE } };
      },
      status: 415,
      code: 'unsupported_media_type',
      message: /got application\/x-www-form-urlencoded/,
    },
  ];

  const githubCases: BadRequest[] = [
    {
      name: 'forged signature',
      build: () => {
        const body = githubDeployment();
        return {
          body,
          headers: {
            ...githubHeaders(body),
            [GITHUB_SIGNATURE_HEADER]: `sha256=${randomBytes(32).toString('hex')}`,
          },
        };
      },
      status: 401,
      code: 'signature_invalid',
      message: /X-Hub-Signature-256 does not match/,
    },
    {
      name: 'signed with the wrong secret',
      build: () => {
        const body = githubDeployment();
        return { body, headers: githubHeaders(body, 'not-the-github-secret') };
      },
      status: 401,
      code: 'signature_invalid',
      message: /does not match the body/,
    },
    {
      name: 'body changed after signing (environment switched to one Aviary serves)',
      build: () => {
        const signed = githubDeployment((p) => {
          (p.deployment as Record<string, unknown>).environment = 'production';
        });
        return { body: githubDeployment(), headers: githubHeaders(signed) };
      },
      status: 401,
      code: 'signature_invalid',
      message: /does not match the body/,
    },
    {
      name: 'missing X-Hub-Signature-256',
      build: () => {
        const body = githubDeployment();
        const { [GITHUB_SIGNATURE_HEADER]: _, ...headers } = githubHeaders(body);
        return { body, headers };
      },
      status: 401,
      code: 'signature_missing',
      message: /missing X-Hub-Signature-256/,
    },
    {
      name: 'only the legacy SHA-1 X-Hub-Signature',
      build: () => {
        const body = githubDeployment();
        const { [GITHUB_SIGNATURE_HEADER]: _, ...headers } = githubHeaders(body);
        return { body, headers: { ...headers, 'X-Hub-Signature': `sha1=${'0'.repeat(40)}` } };
      },
      status: 401,
      code: 'signature_missing',
      message: /X-Hub-Signature-256/,
    },
    {
      name: 'sha1= in the SHA-256 header',
      build: () => {
        const body = githubDeployment();
        return {
          body,
          headers: { ...githubHeaders(body), [GITHUB_SIGNATURE_HEADER]: `sha1=${'0'.repeat(40)}` },
        };
      },
      status: 401,
      code: 'signature_malformed',
      message: /sha256=<hex>/,
    },
    // GitHub signs no timestamp, so there is no stale-timestamp case: a replayed delivery is the same rollout
    // (see deliveries.test.ts).
    {
      name: 'missing X-GitHub-Event (correctly signed)',
      build: () => {
        const body = githubDeployment();
        const { 'x-github-event': _, ...headers } = githubHeaders(body);
        return { body, headers };
      },
      status: 400,
      code: 'bad_request',
      message: /missing X-GitHub-Event/,
    },
    {
      name: 'malformed JSON (correctly signed)',
      build: () => {
        const body = githubDeployment().slice(0, -10);
        return { body, headers: githubHeaders(body) };
      },
      status: 400,
      code: 'invalid_json',
      message: /not valid JSON/,
    },
    {
      name: 'deployment without an environment',
      build: () => {
        const body = githubDeployment((p) => {
          delete (p.deployment as Record<string, unknown>).environment;
        });
        return { body, headers: githubHeaders(body) };
      },
      status: 422,
      code: 'invalid_request',
      message: /deployment\.environment/,
      field: 'deployment.environment',
    },
    {
      name: 'no deployment object at all',
      build: () => {
        const body = JSON.stringify({ action: 'created', zen: 'Keep it logically awesome.' });
        return { body, headers: githubHeaders(body) };
      },
      status: 422,
      code: 'invalid_request',
      message: /deployment/,
      field: 'deployment',
    },
    {
      name: 'a sha that is not a usable revision',
      build: () => {
        const body = githubDeployment((p) => {
          (p.deployment as Record<string, unknown>).sha = 'not a sha; rm -rf /';
        });
        return { body, headers: githubHeaders(body) };
      },
      status: 422,
      code: 'invalid_request',
      message: /deployment\.sha\/ref is not a usable revision/,
    },
    {
      name: `oversized body (over ${DEFAULT_BODY_LIMIT_BYTES} bytes, correctly signed)`,
      build: () => {
        const body = githubDeployment((p) => {
          (p.deployment as Record<string, unknown>).description = 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES);
        });
        return { body, headers: githubHeaders(body) };
      },
      status: 413,
      code: 'payload_too_large',
      message: /exceeds/,
    },
    {
      // GitHub's default webhook content type: the payload as a form field.
      name: 'application/x-www-form-urlencoded delivery (correctly signed)',
      build: () => {
        const body = new URLSearchParams({ payload: githubDeployment() }).toString();
        return { body, headers: { ...githubHeaders(body), 'content-type': FORM_TYPE } };
      },
      status: 415,
      code: 'unsupported_media_type',
      message: /set the webhook content type to application\/json/,
    },
  ];

  const slackCases: BadRequest[] = [
    {
      name: 'forged signature',
      build: () => {
        const body = wouldApprove();
        return {
          body,
          headers: {
            ...slackHeaders(body),
            [SLACK_SIGNATURE_HEADER]: `v0=${randomBytes(32).toString('hex')}`,
          },
        };
      },
      status: 401,
      code: 'signature_invalid',
      message: /X-Slack-Signature does not match/,
    },
    {
      name: 'signed with the wrong secret',
      build: () => {
        const body = wouldAbort();
        return { body, headers: slackHeaders(body, clock.now(), 'not-the-signing-secret') };
      },
      status: 401,
      code: 'signature_invalid',
      message: /does not match the body/,
    },
    {
      name: 'body changed after signing (status → abort)',
      build: () => {
        const signed = wouldAbort().replace('abort', 'status');
        return { body: wouldAbort(), headers: slackHeaders(signed) };
      },
      status: 401,
      code: 'signature_invalid',
      message: /does not match the body/,
    },
    {
      name: 'stale timestamp (a click replayed 5 min 1 s later)',
      build: () => {
        const body = wouldApprove();
        return { body, headers: slackHeaders(body, clock.now() - FIVE_MINUTES_MS - 1000) };
      },
      status: 401,
      code: 'timestamp_stale',
      message: /X-Slack-Request-Timestamp is 301 s away from now/,
    },
    {
      name: 'missing X-Slack-Signature',
      build: () => {
        const body = wouldApprove();
        const { [SLACK_SIGNATURE_HEADER]: _, ...headers } = slackHeaders(body);
        return { body, headers };
      },
      status: 401,
      code: 'signature_missing',
      message: /missing X-Slack-Signature/,
    },
    {
      name: 'missing X-Slack-Request-Timestamp',
      build: () => {
        const body = wouldApprove();
        const { [SLACK_TIMESTAMP_HEADER]: _, ...headers } = slackHeaders(body);
        return { body, headers };
      },
      status: 401,
      code: 'timestamp_missing',
      message: /missing X-Slack-Request-Timestamp/,
    },
    {
      name: 'unknown signature version',
      build: () => {
        const body = wouldApprove();
        const headers = slackHeaders(body);
        return {
          body,
          headers: {
            ...headers,
            [SLACK_SIGNATURE_HEADER]: headers[SLACK_SIGNATURE_HEADER].replace('v0=', 'v1='),
          },
        };
      },
      status: 401,
      code: 'signature_malformed',
      message: /expected v0=/,
    },
    {
      name: 'neither an interaction nor a slash command (correctly signed)',
      build: () => {
        const body = new URLSearchParams({ text: 'abort podinfo', user_id: APPROVER }).toString();
        return { body, headers: slackHeaders(body) };
      },
      status: 400,
      code: 'bad_request',
      message: /neither an interaction payload nor a slash command/,
    },
    {
      name: 'interaction payload that is not JSON (correctly signed)',
      build: () => {
        const body = new URLSearchParams({ payload: '{"type":"block_actions",' }).toString();
        return { body, headers: slackHeaders(body) };
      },
      status: 400,
      code: 'bad_request',
      message: /payload is not JSON/,
    },
    {
      name: 'block_actions without a user (correctly signed)',
      build: () => {
        const form = new URLSearchParams(wouldApprove());
        const payload = JSON.parse(form.get('payload') ?? '{}') as Record<string, unknown>;
        delete payload.user;
        const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
        return { body, headers: slackHeaders(body) };
      },
      status: 400,
      code: 'bad_request',
      message: /malformed block_actions payload/,
    },
    {
      name: 'Approve button whose value is not {rolloutId, revision, gate} (correctly signed)',
      build: () => {
        const form = new URLSearchParams(wouldApprove());
        const payload = JSON.parse(form.get('payload') ?? '{}') as { actions: { value: string }[] };
        for (const action of payload.actions) action.value = rolloutId;
        const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
        return { body, headers: slackHeaders(body) };
      },
      status: 400,
      code: 'bad_request',
      message: /aviary_approve must carry \{rolloutId, revision, gate\}/,
    },
    {
      name: `oversized body (over ${DEFAULT_BODY_LIMIT_BYTES} bytes, correctly signed)`,
      build: () => {
        const body = `${wouldAbort()}&padding=${'x'.repeat(DEFAULT_BODY_LIMIT_BYTES)}`;
        return { body, headers: slackHeaders(body) };
      },
      status: 413,
      code: 'payload_too_large',
      message: /exceeds/,
    },
    {
      name: 'JSON content type (correctly signed)',
      build: () => {
        const body = wouldAbort();
        return { body, headers: { ...slackHeaders(body), 'content-type': JSON_TYPE } };
      },
      status: 415,
      code: 'unsupported_media_type',
      message: /expected Content-Type application\/x-www-form-urlencoded, got application\/json/,
    },
    {
      name: "a non-approver's Approve click",
      build: () => {
        const body = blockActionsBody({ userId: STRANGER, decision: 'approve', value: approveButton });
        return { body, headers: slackHeaders(body) };
      },
      status: 403,
      code: 'forbidden',
      message: new RegExp(`${STRANGER} is not an approver of target podinfo`),
    },
    {
      name: "a non-approver's Reject click",
      build: () => {
        const body = blockActionsBody({ userId: STRANGER, decision: 'reject', value: approveButton });
        return { body, headers: slackHeaders(body) };
      },
      status: 403,
      code: 'forbidden',
      message: /is not an approver/,
    },
    {
      name: 'the approver clicking a button bound to another revision of the same rollout',
      build: () => {
        const value = { ...approveButton, revision: 'rev-000' };
        const body = blockActionsBody({ userId: APPROVER, decision: 'approve', value });
        return { body, headers: slackHeaders(body) };
      },
      status: 409,
      code: 'conflict',
      message: new RegExp(`requested for revision rev-000, but rollout .* awaits revision ${REVISION}`),
    },
    {
      name: 'the approver clicking a button bound to another gate',
      build: () => {
        const value: ApprovalButtonValue = { ...approveButton, gate: 'step:1' };
        const body = blockActionsBody({ userId: APPROVER, decision: 'approve', value });
        return { body, headers: slackHeaders(body) };
      },
      status: 409,
      code: 'conflict',
      message: /was for step:1, but the pending gate is promotion/,
    },
  ];

  const sections = [
    { path: '/webhooks/deploy', cases: deployCases },
    { path: '/webhooks/github', cases: githubCases },
    { path: '/webhooks/slack', cases: slackCases },
  ];

  for (const section of sections) {
    describe(`POST ${section.path}`, () => {
      it.each(section.cases)(
        '$name → $status $code, nothing changes',
        async (c) => {
          // Each case signed at its own second: a byte-identical signed request is a replay of an earlier
          // case and would get that case's answer again (replays.test.ts).
          clock.advance(1_000);
          const before = await snapshot();
          const request = c.build();
          const response = await client.post(request.path ?? section.path, request.body, request.headers);
          expectError(response, c);
          expect(await snapshot()).toEqual(before);
        },
        120_000,
      );
    });
  }

  describe('/aviary slash commands refused by the engine', () => {
    const slashCases = [
      {
        name: '`/aviary approve <id>` by a non-approver',
        text: () => `approve ${rolloutId}`,
        user: STRANGER,
        status: 403,
        code: 'forbidden',
        message: /U0STRANGER is not an approver of target podinfo/,
      },
      {
        name: '`/aviary abort podinfo` by a non-approver',
        text: () => 'abort podinfo',
        user: STRANGER,
        status: 403,
        code: 'forbidden',
        message: /is not an approver/,
      },
      {
        name: '`/aviary pause <id>` by a non-approver',
        text: () => `pause ${rolloutId}`,
        user: STRANGER,
        status: 403,
        code: 'forbidden',
        message: /is not an approver/,
      },
      {
        name: '`/aviary approve` of a rollout that does not exist',
        text: () => 'approve podinfo-99',
        user: APPROVER,
        status: 404,
        code: 'not_found',
        message: /no rollout, target or fleet "podinfo-99"/,
      },
      {
        name: '`/aviary status` of a target that does not exist',
        text: () => 'status nothing-here',
        user: APPROVER,
        status: 404,
        code: 'not_found',
        message: /no rollout or target "nothing-here"/,
      },
      {
        name: '`/aviary resume` of a rollout that is not paused',
        text: () => `resume ${rolloutId}`,
        user: APPROVER,
        status: 409,
        code: 'conflict',
        message: /is awaiting_approval, not paused/,
      },
    ];
    it.each(slashCases)(
      '$name → $status $code, nothing changes',
      async (c) => {
        const before = await snapshot();
        expectError(await client.slash(c.text(), c.user), c);
        expect(await snapshot()).toEqual(before);
      },
      120_000,
    );
  });

  describe('methods and paths the API does not route', () => {
    const unrouted = [
      { method: 'GET', path: '/webhooks/deploy' },
      { method: 'PUT', path: '/webhooks/slack' },
      { method: 'DELETE', path: '/rollouts/podinfo-1' },
      { method: 'POST', path: '/rollouts' },
      { method: 'POST', path: '/webhooks/gitlab' },
    ];
    it.each(unrouted)(
      '$method $path → 404 from the gateway, nothing changes',
      async ({ method, path }) => {
        const before = await snapshot();
        const body = method === 'GET' ? undefined : wouldDeploy();
        const response = await fetch(new URL(path, stack.url), {
          method,
          ...(body ? { body, headers: deployHeaders(body) } : {}),
        });
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ message: 'Not Found' });
        expect(await snapshot()).toEqual(before);
      },
      120_000,
    );

    it.each([
      { path: '/rollouts?limit=1000', code: 'invalid_query', message: /limit/ },
      { path: '/rollouts?target=Podinfo', code: 'invalid_query', message: /target/ },
      { path: '/rollouts?colour=blue', code: 'invalid_query', message: /colour|unrecognized/i },
      { path: '/rollouts/Podinfo_1', code: 'invalid_id', message: /rollout id must be lowercase/ },
    ])(
      'GET $path → 400 $code',
      async ({ path, code, message }) => {
        expectError(await client.get(path), { status: 400, code, message });
      },
      120_000,
    );

    // API Gateway only routes POST to the webhook functions, so the gateway answers 404 before they run; the
    // functions refuse other methods themselves too (405 with `allow`), should a route ever be widened to ANY.
    it.each([
      { name: 'deploy', make: makeDeployWebhookHandler },
      { name: 'github', make: makeGithubWebhookHandler },
      { name: 'slack', make: makeSlackWebhookHandler },
    ])(
      'the $name webhook function itself answers GET with 405',
      async ({ name, make }) => {
        const before = await snapshot();
        const handler = make(async () => stack.app, new Logger({ logLevel: 'SILENT' }));
        const result = (await handler(getEvent(`/webhooks/${name}`), lambdaContext())) as {
          statusCode: number;
          body: string;
        };
        expect(result.statusCode).toBe(405);
        expect(JSON.parse(result.body)).toEqual({
          error: {
            code: 'method_not_allowed',
            message: 'GET is not allowed here; use POST',
            details: { allow: ['POST'] },
          },
        });
        expect(await snapshot()).toEqual(before);
      },
      120_000,
    );
  });

  // Runs last: it supersedes the rollout every other test relied on.
  it('an Approve click bound to an old revision is refused after a newer deploy superseded it; the new rollout is not approved', async () => {
    const oldButton = approveButton;
    const untouched = await snapshot();
    const newer = await client.deploy({
      target: 'podinfo',
      revision: 'rev-652',
      image: 'ghcr.io/stefanprodan/podinfo:6.5.2',
    });
    expect(newer.status, JSON.stringify(newer.body)).toBe(202);
    const newId = (newer.body as { rollout: { id: string }; superseded?: string }).rollout.id;
    expect((newer.body as { superseded?: string }).superseded).toBe(rolloutId);
    expect((await statusOf(client, rolloutId)).phase).toBe('superseded');
    // The snapshot does see an accepted request.
    expect(await snapshot()).not.toEqual(untouched);

    // Right after the newer deploy: the old click names the superseded rollout.
    let before = await snapshot();
    expectError(await client.click(oldButton, APPROVER, 'approve'), {
      status: 409,
      code: 'conflict',
      message: new RegExp(`rollout ${rolloutId} is superseded; nothing to approve`),
    });
    expectError(await client.slash(`approve ${rolloutId}`, APPROVER), {
      status: 409,
      code: 'conflict',
      message: /is superseded/,
    });
    expect(await snapshot()).toEqual(before);

    // The newer rollout reaches its own promotion gate: the old click still cannot approve it, nor can the old
    // revision pasted onto the new rollout's id.
    const { status } = await tickUntil(stack, clock, client, newId, ['awaiting_approval', 'failed']);
    expect(status.phase).toBe('awaiting_approval');
    before = await snapshot();
    expectError(await client.click(oldButton, APPROVER, 'approve'), {
      status: 409,
      code: 'conflict',
      message: /is superseded/,
    });
    expectError(await client.click({ ...oldButton, rolloutId: newId }, APPROVER, 'approve'), {
      status: 409,
      code: 'conflict',
      message: new RegExp(`requested for revision ${REVISION}, but rollout ${newId} awaits revision rev-652`),
    });
    expect(await snapshot()).toEqual(before);
    const pending = await statusOf(client, newId);
    expect(pending.phase).toBe('awaiting_approval');
    expect(pending.history.some((d) => d.action === 'approve')).toBe(false);
    expect(stack.clusters.get('sim')?.weightsOf(stack.target('podinfo'))).toEqual({
      primary: 50,
      canary: 50,
    });

    // The button Aviary rendered for the newer rollout does work: the refusals were about the binding.
    const newButton = approvalButtonFor(stack.slack?.messages ?? [], newId);
    expect(newButton).toEqual({ rolloutId: newId, revision: 'rev-652', gate: 'promotion' });
    if (!newButton) return;
    const approved = await client.click(newButton, APPROVER, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect((await statusOf(client, newId)).phase).toBe('promoting');
    expect(await snapshot()).not.toEqual(before);
  });
});

function getEvent(path: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `ANY ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'localhost' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: randomBytes(8).toString('hex'),
      routeKey: `ANY ${path}`,
      stage: '$default',
      time: '26/Nov/2026:12:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'aviary-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:aviary-test',
    memoryLimitInMB: '512',
    awsRequestId: randomBytes(8).toString('hex'),
    logGroupName: '/aws/lambda/aviary-test',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

import type { RolloutStatus } from '../engine/engine.js';
import { signDeployRequest } from '../signatures/deploy-hmac.js';
import { signSlackRequest } from '../signatures/slack.js';
import {
  APPROVE_ACTION_ID,
  type ApprovalButtonValue,
  decodeButtonValue,
  REJECT_ACTION_ID,
} from '../slack/approval-button.js';
import { blockActionsBody } from '../slack/block-actions-body.js';

/** An answer from the local API: status and parsed JSON body (or the raw text when it is not JSON). */
export interface LocalResponse {
  status: number;
  body: unknown;
}

/**
 * What a CI system, Slack and an operator send to a running Aviary: signed the way each of them signs, so the
 * demo, `aviary deploy` and the end-to-end tests go through the very checks production requests do.
 */
export interface LocalClient {
  deploy(request: Record<string, unknown>): Promise<LocalResponse>;
  /** Clicks a button of a message Aviary posted, as `userId`. */
  click(value: ApprovalButtonValue, userId: string, decision: 'approve' | 'reject'): Promise<LocalResponse>;
  /** `/aviary <text>` as `userId`. */
  slash(text: string, userId: string): Promise<LocalResponse>;
  get(path: string): Promise<LocalResponse>;
  /** `GET /rollouts/{id}`; anything but a 200 is an error naming the status and body. */
  rollout(id: string): Promise<RolloutStatus>;
  post(path: string, body: string, headers: Record<string, string>): Promise<LocalResponse>;
  /** `POST /rollouts/{id}/commands` (open on the local stack's loopback API). */
  command(id: string, request: Record<string, unknown>, actor?: string): Promise<LocalResponse>;
}

export interface LocalClientOptions {
  url: string;
  deploySecret: string;
  slackSigningSecret?: string;
  /** Time used for signatures (the stack's clock in tests). */
  clock?: () => number;
  /** The `response_url` put in clicks and slash commands, as Slack does (the Slack double's, locally). */
  responseUrl?: string;
}

export function createLocalClient(options: LocalClientOptions): LocalClient {
  const clock = options.clock ?? Date.now;
  const post = async (path: string, body: string, headers: Record<string, string>): Promise<LocalResponse> =>
    answer(await fetch(new URL(path, options.url), { method: 'POST', body, headers }));
  const slackPost = (body: string): Promise<LocalResponse> => {
    if (!options.slackSigningSecret) throw new Error('no Slack signing secret to sign with');
    return post('/webhooks/slack', body, {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(options.slackSigningSecret, body, clock()),
    });
  };
  return {
    deploy: (request) => {
      const body = JSON.stringify(request);
      return post('/webhooks/deploy', body, {
        'content-type': 'application/json',
        ...signDeployRequest(options.deploySecret, body, clock()),
      });
    },
    click: (value, userId, decision) =>
      slackPost(
        blockActionsBody({
          userId,
          decision,
          value,
          ...(options.responseUrl ? { responseUrl: options.responseUrl } : {}),
        }),
      ),
    slash: (text, userId) =>
      slackPost(
        new URLSearchParams({
          command: '/aviary',
          text,
          user_id: userId,
          user_name: userId.toLowerCase(),
          team_id: 'T0AVIARY',
          api_app_id: 'A0AVIARY',
          channel_id: 'C0AVIARY',
          response_url: options.responseUrl ?? 'https://hooks.slack.com/commands/T0AVIARY/1/local',
          trigger_id: '1.1.local',
        }).toString(),
      ),
    get: async (path) => answer(await fetch(new URL(path, options.url))),
    rollout: async (id) => {
      const response = await answer(await fetch(new URL(`/rollouts/${encodeURIComponent(id)}`, options.url)));
      if (response.status !== 200) {
        throw new Error(`GET /rollouts/${id}: ${response.status} ${JSON.stringify(response.body)}`);
      }
      return response.body as RolloutStatus;
    },
    post,
    command: (id, request, actor) =>
      post(`/rollouts/${encodeURIComponent(id)}/commands`, JSON.stringify(request), {
        'content-type': 'application/json',
        ...(actor ? { 'x-aviary-actor': actor } : {}),
      }),
  };
}

async function answer(response: Response): Promise<LocalResponse> {
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** The value bound to a button of a Slack message's blocks, as Aviary rendered it. */
export function buttonValueIn(blocks: unknown[], decision: 'approve' | 'reject'): ApprovalButtonValue | null {
  const actionId = decision === 'approve' ? APPROVE_ACTION_ID : REJECT_ACTION_ID;
  for (const block of blocks) {
    const elements = (block as { elements?: unknown }).elements;
    if (!Array.isArray(elements)) continue;
    for (const element of elements) {
      const e = element as { action_id?: unknown; value?: unknown };
      if (e.action_id === actionId && typeof e.value === 'string') return decodeButtonValue(e.value);
    }
  }
  return null;
}

/** The Approve button Aviary rendered for `rolloutId`, from the messages it posted, or null when there is none. */
export function approvalButtonFor(
  messages: readonly { blocks: unknown[] }[],
  rolloutId: string,
): ApprovalButtonValue | null {
  for (const message of messages) {
    const value = buttonValueIn(message.blocks, 'approve');
    if (value?.rolloutId === rolloutId) return value;
  }
  return null;
}

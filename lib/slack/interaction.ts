import { z } from 'zod';
import type { Command } from '../model/rollout.js';
import { APPROVE_ACTION_ID, decodeButtonValue, REJECT_ACTION_ID } from './approval-button.js';
import type { SlackRequest } from './slack-request.js';

const InteractionTypeSchema = z.object({ type: z.string() });

/** The parts of a `block_actions` payload Aviary reads; the rest of Slack's payload is left alone. */
const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.object({ id: z.string(), enterprise_id: z.string().optional() }).nullish(),
  enterprise: z.object({ id: z.string() }).nullish(),
  api_app_id: z.string().optional(),
  response_url: z.string().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

const KIND_BY_ACTION: Record<string, Command['kind']> = {
  [APPROVE_ACTION_ID]: 'approve',
  [REJECT_ACTION_ID]: 'reject',
};

/** An interactivity request: the form field `payload` holds the JSON Slack sends on a button click. */
export function parseInteraction(payloadJson: string): SlackRequest {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch {
    return { kind: 'invalid', message: 'payload is not JSON' };
  }
  const typed = InteractionTypeSchema.safeParse(payload);
  if (!typed.success) return { kind: 'invalid', message: 'payload has no type' };
  if (typed.data.type !== 'block_actions') {
    return { kind: 'ignored', reason: `interaction type ${typed.data.type} is not handled` };
  }
  const parsed = BlockActionsSchema.safeParse(payload);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      message: 'malformed block_actions payload',
      details: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    };
  }
  const action = parsed.data.actions.find((a) => a.action_id in KIND_BY_ACTION);
  if (!action) return { kind: 'ignored', reason: 'no Aviary action in the payload' };
  const kind = KIND_BY_ACTION[action.action_id] as Command['kind'];
  const value = decodeButtonValue(action.value);
  if (!value) {
    return {
      kind: 'invalid',
      message: `${action.action_id} must carry {rolloutId, revision, gate} as its value`,
    };
  }
  const { team, enterprise, user, api_app_id: appId } = parsed.data;
  const teamId = team?.id ?? user.team_id;
  const enterpriseId = enterprise?.id ?? team?.enterprise_id;
  return {
    kind: 'command',
    via: 'button',
    origin: {
      ...(teamId ? { teamId } : {}),
      ...(enterpriseId ? { enterpriseId } : {}),
      ...(appId ? { appId } : {}),
    },
    ref: value.rolloutId,
    command: { kind, actor: parsed.data.user.id, revision: value.revision, gate: value.gate },
    ...(parsed.data.response_url ? { responseUrl: parsed.data.response_url } : {}),
  };
}

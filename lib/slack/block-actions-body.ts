import {
  APPROVE_ACTION_ID,
  type ApprovalButtonValue,
  encodeButtonValue,
  REJECT_ACTION_ID,
} from './approval-button.js';

export interface ButtonClick {
  userId: string;
  decision: 'approve' | 'reject';
  value: ApprovalButtonValue;
  channel?: string;
  messageTs?: string;
  responseUrl?: string;
  /** The workspace the click was made in; `T0AVIARY` (the local stack's) by default. */
  teamId?: string;
  enterpriseId?: string;
  appId?: string;
}

/**
 * The form body Slack posts when someone clicks one of Aviary's buttons (`payload=<block_actions json>`),
 * for the local demo and tests.
 */
export function blockActionsBody(click: ButtonClick): string {
  const actionId = click.decision === 'approve' ? APPROVE_ACTION_ID : REJECT_ACTION_ID;
  const payload = {
    type: 'block_actions',
    user: { id: click.userId, team_id: click.teamId ?? 'T0AVIARY' },
    team: {
      id: click.teamId ?? 'T0AVIARY',
      domain: 'aviary',
      ...(click.enterpriseId ? { enterprise_id: click.enterpriseId } : {}),
    },
    ...(click.enterpriseId ? { enterprise: { id: click.enterpriseId, name: 'Aviary Grid' } } : {}),
    api_app_id: click.appId ?? 'A0AVIARY',
    container: {
      type: 'message',
      message_ts: click.messageTs ?? '0.0',
      channel_id: click.channel ?? 'C0AVIARY',
    },
    channel: { id: click.channel ?? 'C0AVIARY' },
    ...(click.responseUrl ? { response_url: click.responseUrl } : {}),
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: `aviary_approval:${click.value.rolloutId}`,
        value: encodeButtonValue(click.value),
        action_ts: '0.0',
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

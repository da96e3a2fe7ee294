/** The Block Kit elements Aviary's messages use (a subset of Slack's layout blocks). */
export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: TextObject;
  /** Sent back on a click; link buttons (with `url`) have none. */
  value?: string;
  /** A link button: Slack opens the URL in the browser (and still sends a block_actions click, acked and ignored). */
  url?: string;
  style?: 'primary' | 'danger';
  confirm?: {
    title: TextObject;
    text: TextObject;
    confirm: TextObject;
    deny: TextObject;
    style?: 'primary' | 'danger';
  };
}

export type ActionsBlock = { type: 'actions'; block_id?: string; elements: ButtonElement[] };

export type Block =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[]; block_id?: string }
  | { type: 'context'; elements: TextObject[] }
  | ActionsBlock
  | { type: 'divider' };

export interface SlackMessage {
  /** Notification and accessibility fallback. */
  text: string;
  blocks: Block[];
}

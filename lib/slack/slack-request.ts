import type { Command } from '../model/rollout.js';
import type { SlackOrigin } from './slack-origin.js';

/** What a verified request from Slack asks Aviary to do. */
export type SlackRequest =
  /** A state change (button click or `/aviary approve|reject|pause|resume|abort`). */
  | {
      kind: 'command';
      via: 'button' | 'slash';
      ref: string;
      command: Command;
      /** Where Slack takes follow-up messages for this interaction (answers a refusal privately). */
      responseUrl?: string;
      origin: SlackOrigin;
    }
  /** `/aviary retry <ref>`: a failed rollout's revision and image, started again. */
  | { kind: 'retry'; ref: string; actor: string; responseUrl?: string; origin: SlackOrigin }
  /** `/aviary status [ref]`: one rollout, a target's latest, or the most recent rollouts. */
  | { kind: 'status'; ref: string | null; actor: string; origin: SlackOrigin }
  /** A slash command Aviary cannot read: the user gets the usage text, privately. */
  | { kind: 'usage'; text: string }
  /** Well-formed but not for Aviary (another app's button, `ssl_check`...): acknowledged, nothing done. */
  | { kind: 'ignored'; reason: string }
  /** Not a request Slack would send: 400. */
  | { kind: 'invalid'; message: string; details?: unknown };

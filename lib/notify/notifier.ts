import type { ResolvedTarget } from '../model/config.js';
import type { FleetRolloutStatus } from '../model/fleet-status.js';
import type { Rollout } from '../model/rollout.js';

export interface MessageRef {
  channel: string;
  ts: string;
}

/**
 * Tells people what a rollout is doing. A rollout has one message: the first publish posts it, every later
 * one updates it in place (Slack `chat.update` on `rollout.slack`). Rendered from the rollout and its
 * `lastDecision`; approval buttons are shown while `rollout.approval` is pending.
 */
export interface Notifier {
  publish(rollout: Rollout, target: ResolvedTarget): Promise<MessageRef | null>;
  /** Reminds people of the pending approval (Slack: a reply in the message's thread); optional. */
  remind?(rollout: Rollout, target: ResolvedTarget): Promise<void>;
  /**
   * A fleet rollout's one message, a row per wave, posted to `channel` the first time and updated in place at
   * `ref` afterwards. Notifiers without it say nothing about fleets.
   */
  publishFleet?(
    fleet: FleetRolloutStatus,
    ref: MessageRef | null,
    channel: string | undefined,
  ): Promise<MessageRef | null>;
  /**
   * Withdraws a message this notifier posted that turned out to be a second one for the same rollout (two
   * invocations both saw no message yet and both posted); the other one stays the rollout's message.
   */
  retract?(ref: MessageRef): Promise<void>;
}

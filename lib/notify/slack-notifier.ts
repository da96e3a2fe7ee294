import type { ResolvedTarget } from '../model/config.js';
import type { Rollout } from '../model/rollout.js';
import { renderFleetMessage } from '../slack/fleet-message.js';
import { renderRolloutMessage } from '../slack/rollout-message.js';
import { createSlackWebApi, SlackApiError } from '../slack/web-api.js';
import type { MessageRef, Notifier } from './notifier.js';

export interface SlackNotifierOptions {
  /** Bot token (`xoxb-…`); never logged. */
  token: string;
  /** Defaults to https://slack.com/api; the Slack API double's URL locally. */
  apiUrl?: string;
  /** Used for targets without a `slackChannel`; without either, the rollout is not posted. */
  defaultChannel?: string;
  timeoutMs?: number;
  log?: (level: 'warn' | 'error', message: string, data: Record<string, unknown>) => void;
  /** The signed link of a rollout's page for the message's "View timeline" button; no button when null. */
  viewLink?: (rollout: Rollout) => string | null;
}

/** Slack errors after which the old message is gone and a new one should be posted instead. */
const MESSAGE_GONE = new Set([
  'message_not_found',
  'cant_update_message',
  'channel_not_found',
  'is_archived',
]);

/**
 * One Slack message per rollout: `chat.postMessage` the first time, `chat.update` of the same message
 * (`rollout.slack`) afterwards. Slack errors are logged and thrown; the engine treats them as never fatal.
 */
export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const api = createSlackWebApi({
    token: options.token,
    ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const log = options.log ?? (() => {});
  const render = (rollout: Rollout, target: ResolvedTarget) =>
    renderRolloutMessage(rollout, target, options.viewLink?.(rollout) ?? null);

  const post = async (channel: string, rollout: Rollout, target: ResolvedTarget): Promise<MessageRef> => {
    const message = render(rollout, target);
    const answer = await api.call('chat.postMessage', {
      channel,
      text: message.text,
      blocks: message.blocks,
    });
    if (!answer.channel || !answer.ts)
      throw new SlackApiError('chat.postMessage', 'missing channel or ts in answer');
    return { channel: answer.channel, ts: answer.ts };
  };

  return {
    async remind(rollout) {
      const approval = rollout.approval;
      if (!rollout.slack || !approval) return;
      const gate = gateLabel(approval.gate);
      const expires = Math.floor(approval.expiresAt / 1000);
      const fallback = new Date(approval.expiresAt).toISOString();
      await api.call('chat.postMessage', {
        channel: rollout.slack.channel,
        thread_ts: rollout.slack.ts,
        text: `:alarm_clock: Reminder: \`${rollout.id}\` still waits for approval of the ${gate} of \`${approval.revision}\`. Without it, it rolls back <!date^${expires}^{time}|${fallback}>.`,
      });
    },
    async publishFleet(fleet, ref, channel) {
      const message = renderFleetMessage(fleet);
      if (ref) {
        try {
          await api.call('chat.update', { ...ref, text: message.text, blocks: message.blocks });
          return ref;
        } catch (e) {
          if (!(e instanceof SlackApiError && MESSAGE_GONE.has(e.error))) throw e;
        }
      }
      const to = channel ?? options.defaultChannel;
      if (!to) return null;
      const answer = await api.call('chat.postMessage', {
        channel: to,
        text: message.text,
        blocks: message.blocks,
      });
      if (!answer.channel || !answer.ts)
        throw new SlackApiError('chat.postMessage', 'missing channel or ts in answer');
      return { channel: answer.channel, ts: answer.ts };
    },
    async retract(ref) {
      try {
        await api.call('chat.delete', { channel: ref.channel, ts: ref.ts });
      } catch (e) {
        // Already gone is what was wanted.
        if (e instanceof SlackApiError && MESSAGE_GONE.has(e.error)) return;
        log('warn', 'Slack message could not be withdrawn', {
          ts: ref.ts,
          error: e instanceof SlackApiError ? e.error : String(e),
        });
        throw e;
      }
    },
    async publish(rollout, target) {
      try {
        if (rollout.slack) {
          const message = render(rollout, target);
          try {
            await api.call('chat.update', { ...rollout.slack, text: message.text, blocks: message.blocks });
            return rollout.slack;
          } catch (e) {
            if (!(e instanceof SlackApiError && MESSAGE_GONE.has(e.error))) throw e;
            log('warn', 'Slack message gone; posting a new one', { rollout: rollout.id, error: e.error });
          }
        }
        const channel = target.slackChannel ?? options.defaultChannel;
        if (!channel) return null;
        return await post(channel, rollout, target);
      } catch (e) {
        log('error', 'Slack notification failed', {
          rollout: rollout.id,
          error: e instanceof SlackApiError ? e.error : String(e),
        });
        throw e;
      }
    },
  };
}

/** What a person is asked to approve, in words: `step:2` → "step 2", `evidence` → "inconclusive evidence". */
function gateLabel(gate: string): string {
  if (gate === 'promotion') return 'promotion';
  if (gate === 'evidence') return 'promotion on inconclusive evidence';
  const [kind, n] = gate.split(':');
  return `${kind} ${n}`;
}

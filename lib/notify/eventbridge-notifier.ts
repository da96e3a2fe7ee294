import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Notifier } from './notifier.js';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE, rolloutEventDetail } from './rollout-event.js';

export interface EventBridgeNotifierOptions {
  client: EventBridgeClient;
  /** Defaults to the account's `default` bus. */
  eventBusName?: string;
}

export class EventBridgeError extends Error {
  override name = 'EventBridgeError';
}

/**
 * Puts every transition on EventBridge as `source: aviary`, `detail-type: Aviary Rollout State Change`, so
 * rules can route rollouts to SNS, PagerDuty or any HTTPS endpoint. PutEvents answers 200 even when it drops
 * an entry, so the per-entry result is checked.
 */
export function createEventBridgeNotifier(options: EventBridgeNotifierOptions): Notifier {
  return {
    async publish(rollout) {
      const detail = rolloutEventDetail(rollout);
      const out = await options.client.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: EVENT_SOURCE,
              DetailType: EVENT_DETAIL_TYPE,
              Detail: JSON.stringify(detail),
              EventBusName: options.eventBusName ?? 'default',
              Time: new Date(detail.at),
              Resources: [],
            },
          ],
        }),
      );
      const failed = out.Entries?.find((e) => e.ErrorCode);
      if ((out.FailedEntryCount ?? 0) > 0 || failed) {
        throw new EventBridgeError(
          `PutEvents refused the ${rollout.id} event: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`.trim(),
        );
      }
      return null;
    },
  };
}

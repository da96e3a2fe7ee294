import type { MessageRef, Notifier } from './notifier.js';

/**
 * Publishes to several notifiers at once. The first message reference returned (Slack's) is the rollout's;
 * a failing notifier never keeps the others from publishing. When one failed and none returned a reference,
 * the failure is thrown; otherwise it goes to `onError`, so the reference is not lost.
 */
export function createFanoutNotifier(
  notifiers: Notifier[],
  onError: (error: unknown) => void = (error) => console.warn('notifier failed:', String(error)),
): Notifier {
  // A fleet rollout has one message, where its rollouts' messages are (Slack): the first notifier that posts one.
  const fleetPublisher = notifiers.find((n) => n.publishFleet);
  return {
    ...(fleetPublisher?.publishFleet
      ? { publishFleet: fleetPublisher.publishFleet.bind(fleetPublisher) }
      : {}),
    async publish(rollout, target) {
      const results = await Promise.allSettled(notifiers.map((n) => n.publish(rollout, target)));
      let ref: MessageRef | null = null;
      const errors: unknown[] = [];
      for (const result of results) {
        if (result.status === 'rejected') errors.push(result.reason);
        else if (result.value && !ref) ref = result.value;
      }
      if (errors.length > 0 && !ref) {
        throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'notifiers failed');
      }
      for (const error of errors) onError(error);
      return ref;
    },
    async remind(rollout, target) {
      const results = await Promise.allSettled(notifiers.map((n) => n.remind?.(rollout, target)));
      for (const result of results) if (result.status === 'rejected') onError(result.reason);
    },
    async retract(ref) {
      // Only the notifier that posted it knows the reference; the others have nothing to withdraw.
      const results = await Promise.allSettled(notifiers.map((n) => n.retract?.(ref)));
      for (const result of results) if (result.status === 'rejected') onError(result.reason);
    },
  };
}

import type { FollowUp } from '../notify/follow-up.js';
import type { App } from './app.js';

/** Does one follow-up: the same code whether it runs in-process or in a self-invoked Lambda. */
export async function runFollowUp(app: App, work: FollowUp): Promise<void> {
  switch (work.kind) {
    case 'publish':
      await app.engine.publish(work.rolloutId);
      return;
    case 'respond':
      await app.respond?.(work.responseUrl, work.text);
      return;
  }
}

/** Hands `work` to the app's follow-ups, or (no follow-ups configured) does it before answering. */
export async function followUp(app: App, work: FollowUp): Promise<void> {
  if (app.followUps) await app.followUps.enqueue(work);
  else await runFollowUp(app, work);
}

import type { GithubStatuses } from '../github/deployment-statuses.js';
import type { Rollout } from '../model/rollout.js';
import { createFanoutNotifier } from './fanout-notifier.js';
import { createGithubNotifier } from './github-notifier.js';
import type { Notifier } from './notifier.js';

export interface OutboundNotifierParts {
  /** The rollout's message (Slack, or none): its reference is the one remembered. */
  slack: Notifier;
  github?: GithubStatuses | undefined;
  /** Transitions as events (EventBridge). */
  events?: Notifier | undefined;
  logUrl?: (rollout: Rollout) => string | undefined;
  log: (message: string, data: Record<string, unknown>) => void;
}

/** Everyone who hears about a transition: the Slack message, GitHub deployment statuses, events. */
export function outboundNotifier(parts: OutboundNotifierParts): Notifier {
  const others: Notifier[] = [];
  if (parts.github)
    others.push(
      createGithubNotifier({ statuses: parts.github, ...(parts.logUrl ? { logUrl: parts.logUrl } : {}) }),
    );
  if (parts.events) others.push(parts.events);
  if (others.length === 0) return parts.slack;
  return createFanoutNotifier([parts.slack, ...others], (error) =>
    parts.log('notification failed', { error: String(error) }),
  );
}

/** `<base>/rollouts/<id>`, the rollout's page, when a public base URL is configured. */
export function rolloutLogUrl(base: string | undefined): ((rollout: Rollout) => string) | undefined {
  if (!base) return undefined;
  const root = base.replace(/\/+$/, '');
  return (rollout) => `${root}/rollouts/${encodeURIComponent(rollout.id)}`;
}

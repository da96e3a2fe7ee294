import { deploymentStatusFor } from '../github/deployment-status.js';
import type { GithubStatuses } from '../github/deployment-statuses.js';
import type { Rollout } from '../model/rollout.js';
import type { Notifier } from './notifier.js';

export interface GithubNotifierOptions {
  statuses: GithubStatuses;
  /** Where a person reads the rollout (`log_url`); omitted when it returns undefined. */
  logUrl?: (rollout: Rollout) => string | undefined;
}

/**
 * Reports a GitHub-started rollout's transitions as deployment statuses. Holds no message of its own (returns
 * null), so the Slack message stays the rollout's; rollouts that did not come from GitHub are left alone.
 */
export function createGithubNotifier(options: GithubNotifierOptions): Notifier {
  return {
    async publish(rollout) {
      if (!rollout.github) return null;
      const status = deploymentStatusFor(rollout, options.logUrl?.(rollout));
      if (status) await options.statuses.post(rollout.github, status);
      return null;
    },
  };
}

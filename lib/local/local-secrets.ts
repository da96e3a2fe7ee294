import { randomBytes } from 'node:crypto';
import type { Secrets } from '../app/app.js';
import { SECRET_ENV } from '../app/secrets.js';

/**
 * Secrets of a local run: whatever the environment sets (to test with a real Slack app or CI), random for the
 * rest, so nothing secret has to be in the repository and every run signs with fresh keys.
 */
export function localSecrets(env: Record<string, string | undefined>): Secrets {
  const random = (): string => randomBytes(24).toString('base64url');
  const pick = (key: keyof Secrets): string => env[SECRET_ENV[key]]?.trim() || random();
  return {
    deploySecret: pick('deploySecret'),
    slackSigningSecret: pick('slackSigningSecret'),
    slackBotToken: env[SECRET_ENV.slackBotToken]?.trim() || `xoxb-local-${random()}`,
    githubWebhookSecret: pick('githubWebhookSecret'),
    // Locally statuses go to the GitHub API double: never send a developer's real GITHUB_TOKEN anywhere.
    githubToken: `ghp_local_${random()}`,
    viewSecret: pick('viewSecret'),
  };
}

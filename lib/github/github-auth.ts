import type { Secrets } from '../app/app.js';
import { githubAppTokenProvider } from './app-installation-token.js';
import { createGithubStatuses, type GithubStatuses } from './deployment-statuses.js';

/**
 * How Aviary authenticates to GitHub: a GitHub App (its private key secret plus `GITHUB_APP_ID` and
 * `GITHUB_APP_INSTALLATION_ID`) when configured, else the `github-token` secret, else not at all (no statuses).
 */
export function githubStatusesFor(
  secrets: Pick<Partial<Secrets>, 'githubToken' | 'githubAppPrivateKey'>,
  env: Record<string, string | undefined>,
  apiUrl = env.GITHUB_API_URL,
): GithubStatuses | undefined {
  const appId = env.GITHUB_APP_ID;
  const installationId = env.GITHUB_APP_INSTALLATION_ID;
  const base = apiUrl ? { apiUrl } : {};
  if (secrets.githubAppPrivateKey && appId && installationId) {
    const token = githubAppTokenProvider({
      appId,
      installationId,
      privateKey: secrets.githubAppPrivateKey,
      ...base,
    });
    return createGithubStatuses({ token, ...base });
  }
  if (secrets.githubToken) return createGithubStatuses({ token: secrets.githubToken, ...base });
  return undefined;
}

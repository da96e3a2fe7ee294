import type { GithubDeploymentRef } from '../model/rollout.js';
import type { GithubDeploymentStatus } from './deployment-status.js';

export interface GithubStatusesOptions {
  /** `GITHUB_TOKEN` (a fine-grained token or an App installation token with `deployments: write`). */
  token: string;
  /** Defaults to https://api.github.com; GitHub Enterprise or the local double otherwise. */
  apiUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Posts deployment statuses back to GitHub. */
export interface GithubStatuses {
  post(ref: GithubDeploymentRef, status: GithubDeploymentStatus): Promise<void>;
}

export class GithubApiError extends Error {
  override name = 'GithubApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const REPOSITORY = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

/** `POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses` of the GitHub REST API. */
export function createGithubStatuses(options: GithubStatusesOptions): GithubStatuses {
  const base = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const send = options.fetch ?? fetch;
  return {
    async post(ref, status) {
      if (!REPOSITORY.test(ref.repository))
        throw new GithubApiError(0, `not a repository: ${ref.repository}`);
      const url = `${base}/repos/${ref.repository}/deployments/${ref.deploymentId}/statuses`;
      const response = await send(url, {
        method: 'POST',
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
          'user-agent': 'aviary',
          'x-github-api-version': '2022-11-28',
        },
        body: JSON.stringify({ ...status, environment: ref.environment }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      if (!response.ok) {
        const text = (await response.text()).slice(0, 300);
        throw new GithubApiError(response.status, `GitHub answered ${response.status} to ${url}: ${text}`);
      }
    },
  };
}

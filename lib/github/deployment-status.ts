import type { Rollout } from '../model/rollout.js';

export const GITHUB_STATES = ['in_progress', 'success', 'failure', 'inactive'] as const;
export type GithubState = (typeof GITHUB_STATES)[number];

/** The body of `POST /repos/{owner}/{repo}/deployments/{id}/statuses` Aviary sends. */
export interface GithubDeploymentStatus {
  state: GithubState;
  description: string;
  log_url?: string;
}

/** GitHub refuses longer descriptions. */
export const MAX_DESCRIPTION = 140;

export function shortDescription(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_DESCRIPTION ? flat : `${flat.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/**
 * The deployment status a transition reports, read from the decision just taken: `in_progress` when the
 * rollout starts, `failure` when it starts rolling back (with the reason), `success` when promoted,
 * `inactive` when a newer revision superseded it. Other transitions report nothing.
 */
export function deploymentStatusFor(rollout: Rollout, logUrl?: string): GithubDeploymentStatus | null {
  const decision = rollout.lastDecision;
  if (!decision) return null;
  let state: GithubState | null = null;
  if (decision.action === 'start') state = 'in_progress';
  else if (decision.toPhase === 'succeeded') state = 'success';
  else if (decision.toPhase === 'superseded') state = 'inactive';
  else if (decision.toPhase === 'rolling_back' && decision.fromPhase !== 'rolling_back') state = 'failure';
  else if (decision.toPhase === 'failed' && decision.fromPhase !== 'rolling_back') state = 'failure';
  if (!state) return null;
  const summary = decision.explanation?.summary ?? decision.reason;
  const lead =
    state === 'in_progress'
      ? `${rollout.id}: canary of ${rollout.revision} starting`
      : state === 'failure'
        ? `${rollout.id} rolled back: ${summary}`
        : `${rollout.id}: ${summary}`;
  return { state, description: shortDescription(lead), ...(logUrl ? { log_url: logUrl } : {}) };
}

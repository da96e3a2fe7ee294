import type { SlackWorkspace } from '../model/config.js';

/** Where a Slack request says it comes from: the workspace, the Grid org and the app it was made in. */
export interface SlackOrigin {
  teamId?: string;
  enterpriseId?: string;
  appId?: string;
}

/**
 * Why a request from `origin` may not act, or null when it may. The signature proves the request came from
 * Slack for an app holding our signing secret; this proves it came from the workspace (and org and app) whose
 * user ids the approver lists name.
 */
export function originRefusal(expected: SlackWorkspace | undefined, origin: SlackOrigin): string | null {
  if (!expected) {
    return 'Aviary does not know its Slack workspace: set slack.teamId in the configuration to accept Slack requests';
  }
  if (origin.teamId !== expected.teamId) {
    return `requests are accepted from Slack workspace ${expected.teamId} only, not ${origin.teamId ?? '(none)'}`;
  }
  if (expected.enterpriseId !== undefined && origin.enterpriseId !== expected.enterpriseId) {
    return `requests are accepted from Enterprise Grid org ${expected.enterpriseId} only, not ${origin.enterpriseId ?? '(none)'}`;
  }
  if (expected.appId !== undefined && origin.appId !== expected.appId) {
    return `requests are accepted for Slack app ${expected.appId} only, not ${origin.appId ?? '(none)'}`;
  }
  return null;
}

import type { App } from '../app/app.js';
import { type ViewScope, viewLinkUrl } from '../signatures/view-link.js';
import type { HttpApiEvent } from './http-api-event.js';

/**
 * The base URL the request came in on (`https://{api}.execute-api…` on AWS, `http://127.0.0.1:3000` locally):
 * a link handed back in an answer opens on the same API.
 */
export function requestBaseUrl(event: HttpApiEvent): string | null {
  const host = event.headers.host;
  if (!host || !/^[A-Za-z0-9.:[\]-]{1,255}$/.test(host)) return null;
  const proto = event.headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  return `${proto}://${host}`;
}

/** A signed link to a rollout's page for an API answer; null where there is no view secret or no host. */
export const rolloutViewLink = (app: App, event: HttpApiEvent, id: string): string | null =>
  signedLink(app, event, { kind: 'rollout', id });

/** A signed link to the list page. */
export const listViewLink = (app: App, event: HttpApiEvent): string | null =>
  signedLink(app, event, { kind: 'list' });

function signedLink(app: App, event: HttpApiEvent, scope: ViewScope): string | null {
  const base = requestBaseUrl(event);
  const secret = app.secrets.viewSecret;
  if (!base || !secret) return null;
  return viewLinkUrl(base, secret, scope, app.clock());
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import type { App } from '../../app/app.js';
import { policyFor } from '../../config/config-lookup.js';
import { PhaseSchema } from '../../model/rollout.js';
import { checkViewLink, type ViewScope, viewPath } from '../../signatures/view-link.js';
import { PAGE_HEADERS } from '../../ui/page-shell.js';
import { renderRefusalPage } from '../../ui/refusal-page.js';
import { renderListPage } from '../../ui/rollout-list-page.js';
import { renderRolloutPage } from '../../ui/rollout-page.js';
import { utcTime } from '../../ui/time-words.js';
import type { HttpApiEvent } from '../http-api-event.js';
import type { HttpRoute } from '../http-pipeline.js';
import type { HttpResult } from '../json-response.js';

/** Active pages reload this often: a tick moves a rollout at most once a minute on AWS, every 2 s locally. */
export const REFRESH_SECONDS = 5;
const LIST_LIMIT = 100;

const RolloutId = z
  .string()
  .max(80)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and "-", at most 80');

const PageQuerySchema = z.object({
  exp: z.string().max(16).optional(),
  sig: z.string().max(128).optional(),
});

const ListQuerySchema = PageQuerySchema.extend({
  target: z.union([z.literal(''), RolloutId]).optional(),
  phase: z.union([z.literal(''), PhaseSchema]).optional(),
}).strict();

/** Is this one of the page routes? By API Gateway's route key, so the IAM-authorized API is never reached by it. */
export const isUiRoute = (event: HttpApiEvent): boolean => {
  const path = event.routeKey.split(' ')[1] ?? '';
  return path === '/ui' || path.startsWith('/ui/');
};

/**
 * The status function's routes: `/ui` pages (signed links, HTML answers) beside the JSON API. The pages are
 * routed by route key, so a request can only reach the API through the API's own (IAM-authorized) routes.
 */
export const withUiPages =
  (api: HttpRoute): HttpRoute =>
  (app, event, logger) =>
    isUiRoute(event) ? handleUiPages(app, event, logger) : api(app, event, logger);

const page = (status: number, body: string): HttpResult => ({
  statusCode: status,
  headers: { ...PAGE_HEADERS },
  body,
});

const refusal = (status: number, message: string, hint?: string): HttpResult =>
  page(status, renderRefusalPage(status, message, hint));

/**
 * `GET /ui` (the rollouts, filtered by target and phase) and `GET /ui/rollouts/{id}` (a rollout's timeline).
 * Every answer is a page: 400 for a malformed address, 401 for a missing, forged or expired link, 404 for an
 * unknown rollout; a failure to read the store is a 500 page, logged.
 */
export async function handleUiPages(app: App, event: HttpApiEvent, logger: Logger): Promise<HttpResult> {
  if (event.requestContext.http.method !== 'GET') return refusal(405, 'These pages are read-only.');
  try {
    const id = event.pathParameters?.id;
    if (event.routeKey.endsWith('/ui/rollouts/{id}')) return await rolloutPage(app, event, id ?? '');
    if (event.routeKey.endsWith(' /ui')) return await listPage(app, event);
    return refusal(404, 'There is no page at this address.');
  } catch (error) {
    logger.error('page failed', { error: error instanceof Error ? error.message : String(error) });
    return refusal(
      500,
      'Aviary could not read the rollouts just now.',
      'Reload in a moment; the failure is in the function log.',
    );
  }
}

const REFUSED_LINK = {
  missing:
    'This page opens only from a signed link: the one in the rollout’s Slack message, or one printed by the CLI.',
  malformed: 'This link is incomplete or altered: its expiry or signature is not in the form Aviary writes.',
  forged:
    'This link’s signature is not valid: it was altered, is for another page, or was signed with another key.',
} as const;

type Access = { ok: true; scope: ViewScope['kind'] | 'open' } | { ok: false; result: HttpResult };

function access(app: App, scope: ViewScope, query: z.infer<typeof PageQuerySchema>): Access {
  if (app.openViews) return { ok: true, scope: 'open' };
  const how = scope.kind === 'rollout' ? `aviary open ${scope.id}` : 'aviary open --list';
  const secret = app.secrets.viewSecret;
  if (!secret)
    return {
      ok: false,
      result: refusal(
        401,
        'Pages are not enabled on this deployment: it has no view secret.',
        'Store a random value as the view-secret parameter (see the README).',
      ),
    };
  const check = checkViewLink(secret, scope, query, app.clock());
  if (check.ok) return { ok: true, scope: check.signedFor };
  const message =
    check.reason === 'expired'
      ? `This link expired on ${utcTime(Number(query.exp) * 1000)}.`
      : REFUSED_LINK[check.reason];
  return {
    ok: false,
    result: refusal(401, message, `Get a fresh link from the rollout’s Slack message or with: ${how}`),
  };
}

async function rolloutPage(app: App, event: HttpApiEvent, rawId: string): Promise<HttpResult> {
  const id = RolloutId.safeParse(rawId);
  if (!id.success)
    return refusal(400, `“${rawId.slice(0, 80)}” is not a rollout id: ${id.error.issues[0]?.message}.`);
  const query = PageQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!query.success) return refusal(400, 'The link’s parameters are too long.');
  const allowed = access(app, { kind: 'rollout', id: id.data }, query.data);
  if (!allowed.ok) return allowed.result;
  const status = await app.engine.status(id.data);
  if (!status) return refusal(404, `There is no rollout “${id.data}”.`);
  let guardRails = null;
  try {
    guardRails = policyFor(app.config, status.target).checks;
  } catch {
    // The target left the configuration since: the history is still shown, without its guard-rails.
  }
  const listHref =
    allowed.scope === 'open' ? '/ui' : allowed.scope === 'list' ? withQuery('/ui', query.data) : null;
  return page(
    200,
    renderRolloutPage({ status, now: app.clock(), guardRails, listHref, refreshSeconds: REFRESH_SECONDS }),
  );
}

async function listPage(app: App, event: HttpApiEvent): Promise<HttpResult> {
  const query = ListQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!query.success) {
    const issue = query.error.issues[0];
    const field =
      issue?.path.join('.') || String((issue as { keys?: string[] } | undefined)?.keys?.[0] ?? 'query');
    return refusal(400, `The filter “${field}” is not valid: ${issue?.message ?? 'invalid'}.`);
  }
  const { target, phase, exp, sig } = query.data;
  const allowed = access(app, { kind: 'list' }, { ...(exp ? { exp } : {}), ...(sig ? { sig } : {}) });
  if (!allowed.ok) return allowed.result;
  const rollouts = await app.engine.list({ ...(target ? { target } : {}), limit: LIST_LIMIT });
  const signature: Record<string, string> = allowed.scope === 'open' || !exp || !sig ? {} : { exp, sig };
  return page(
    200,
    renderListPage({
      rollouts: phase ? rollouts.filter((r) => r.phase === phase) : rollouts,
      now: app.clock(),
      targets: Object.keys(app.config.targets).sort(),
      filters: { ...(target ? { target } : {}), ...(phase ? { phase } : {}) },
      // A list link opens every rollout page until it expires, so rows carry the list's own signature.
      rolloutHref: (rolloutId) => withQuery(viewPath({ kind: 'rollout', id: rolloutId }), signature),
      hidden: signature,
      refreshSeconds: REFRESH_SECONDS,
    }),
  );
}

function withQuery(path: string, params: { exp?: string | undefined; sig?: string | undefined }): string {
  const search = new URLSearchParams();
  if (params.exp) search.set('exp', params.exp);
  if (params.sig) search.set('sig', params.sig);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

import { constantTimeEqual, hmacSha256Hex } from './hmac-sha256.js';

/** What a view link opens: one rollout's timeline, or the list (which signs its rows' links in turn). */
export type ViewScope = { kind: 'list' } | { kind: 'rollout'; id: string };

/** Seven days: long enough to open from a week-old Slack message, short enough that a leaked link dies. */
export const DEFAULT_VIEW_LINK_TTL_SECONDS = 7 * 24 * 3600;

/** A link's query parameters: expiry (Unix seconds) and the hex HMAC of scope and expiry. */
export interface ViewLinkParams {
  exp: string;
  sig: string;
}

export type ViewLinkCheck =
  | {
      ok: true;
      expiresAt: number /** The scope the link was signed for (a list link opens rollouts too). */;
      signedFor: ViewScope['kind'];
    }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'forged' };

/** Versioned and newline-separated, so no scope and expiry can be spliced into another's signature. */
const signedText = (scope: ViewScope, exp: number): string =>
  `aviary-view-v1\n${scope.kind === 'list' ? 'list' : `rollout:${scope.id}`}\n${exp}`;

/** Signs `scope` until `expiresAtSeconds` (Unix seconds). */
export function signViewLink(secret: string, scope: ViewScope, expiresAtSeconds: number): ViewLinkParams {
  const exp = Math.floor(expiresAtSeconds);
  return { exp: String(exp), sig: hmacSha256Hex(secret, signedText(scope, exp)) };
}

/**
 * Checks a link's `exp` and `sig` for `scope` at `nowMs`. A list link also opens every rollout page (the list
 * shows them all); a rollout link opens only its rollout. The expiry is checked after the signature, so an
 * "expired" answer is only ever given for a link Aviary really signed.
 */
export function checkViewLink(
  secret: string,
  scope: ViewScope,
  params: Partial<ViewLinkParams>,
  nowMs: number,
): ViewLinkCheck {
  const { exp, sig } = params;
  if (exp === undefined && sig === undefined) return { ok: false, reason: 'missing' };
  if (!exp || !sig || !/^\d{1,12}$/.test(exp) || !/^[0-9a-f]{64}$/.test(sig))
    return { ok: false, reason: 'malformed' };
  const expires = Number(exp);
  const scopes: ViewScope[] = scope.kind === 'rollout' ? [scope, { kind: 'list' }] : [scope];
  const genuine = scopes.find((s) => constantTimeEqual(sig, hmacSha256Hex(secret, signedText(s, expires))));
  if (!genuine) return { ok: false, reason: 'forged' };
  if (nowMs >= expires * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt: expires * 1000, signedFor: genuine.kind };
}

/** The path of a scope's page: `/ui` or `/ui/rollouts/{id}`. */
export const viewPath = (scope: ViewScope): string =>
  scope.kind === 'list' ? '/ui' : `/ui/rollouts/${encodeURIComponent(scope.id)}`;

/** A complete signed link, e.g. for Slack or the CLI: `{baseUrl}/ui/rollouts/{id}?exp=…&sig=…`. */
export function viewLinkUrl(
  baseUrl: string,
  secret: string,
  scope: ViewScope,
  nowMs: number,
  ttlSeconds = DEFAULT_VIEW_LINK_TTL_SECONDS,
): string {
  const { exp, sig } = signViewLink(secret, scope, nowMs / 1000 + ttlSeconds);
  return `${baseUrl.replace(/\/+$/, '')}${viewPath(scope)}?exp=${exp}&sig=${sig}`;
}

import { createSigV4Fetch, type SignedFetch } from '../aws/sigv4-fetch.js';
import type { RolloutPage, RolloutStatus } from '../engine/engine.js';
import { readLocalSession } from '../local/local-session.js';
import { type ParsedArgs, stringOption } from './cli-args.js';
import { type CliContext, CliError, UsageError } from './cli-context.js';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** The rollouts API as the CLI uses it: status, lists, commands. */
export interface AviaryApi {
  url: string;
  /** Where the running `npm start` records the events it would put on EventBridge (local only). */
  eventsUrl: string | null;
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * `--url URL`: a deployed stack, each request signed with SigV4 for `execute-api` by the SDK's signer with
 * the default credential chain (environment, profile, SSO, instance role). Loopback URLs are not signed
 * unless `--sigv4` says so. Without `--url`: the running `npm start` in this directory (`.aviary/session.json`,
 * or the file `AVIARY_SESSION_FILE` names).
 */
export function apiFor(
  values: ParsedArgs['values'],
  ctx: CliContext,
  fetchImpl: typeof fetch = fetch,
): AviaryApi {
  const url = stringOption(values, 'url');
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(
        `--url must be a URL like https://abc123.execute-api.us-east-1.amazonaws.com, got "${url}"`,
      );
    }
    const sign = values.sigv4 === true || !LOOPBACK.has(parsed.hostname);
    const send: SignedFetch = sign
      ? createSigV4Fetch({ region: regionFor(parsed, values, ctx), service: 'execute-api', fetch: fetchImpl })
      : (target, init) => fetchImpl(target, init);
    return {
      url: parsed.origin + parsed.pathname.replace(/\/+$/, ''),
      eventsUrl: null,
      request: requester(parsed.origin + parsed.pathname.replace(/\/+$/, ''), send),
    };
  }
  const found = readLocalSession(ctx.env.AVIARY_SESSION_FILE);
  if ('error' in found) throw new CliError(`${found.error} (or pass --url of a deployed stack)`);
  const base = found.session.url.replace(/\/+$/, '');
  return {
    url: base,
    eventsUrl: found.session.eventsUrl ?? null,
    request: requester(base, (target, init) => fetchImpl(target, init)),
  };
}

function regionFor(url: URL, values: ParsedArgs['values'], ctx: CliContext): string {
  const fromHost = /\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$/.exec(url.hostname)?.[1];
  const region =
    stringOption(values, 'region') ?? fromHost ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('cannot tell the AWS region from --url: pass --region or set AWS_REGION');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new UsageError(`--region "${region}" is not an AWS region`);
  return region;
}

function requester(base: string, send: SignedFetch): AviaryApi['request'] {
  return async (method, path, body) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    let response: Response;
    try {
      response = await send(`${base}${path}`, {
        method,
        headers: text === undefined ? {} : { 'content-type': 'application/json' },
        ...(text === undefined ? {} : { body: text }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new CliError(`cannot reach ${base}: ${cause ?? (error as Error).message}`);
    }
    const raw = await response.text();
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {}
    return { status: response.status, body: parsed };
  };
}

/** The API's error message (`{error: {message}}`), else the status. */
export function errorMessage(answer: ApiAnswer): string {
  const message = (answer.body as { error?: { message?: unknown }; message?: unknown } | null)?.error
    ?.message;
  if (typeof message === 'string') return message;
  const plain = (answer.body as { message?: unknown } | null)?.message;
  return typeof plain === 'string' ? `HTTP ${answer.status}: ${plain}` : `HTTP ${answer.status}`;
}

export async function getRollout(api: AviaryApi, id: string): Promise<RolloutStatus | null> {
  const answer = await api.request('GET', `/rollouts/${encodeURIComponent(id)}`);
  if (answer.status === 404) return null;
  if (answer.status !== 200) throw new CliError(errorMessage(answer));
  return answer.body as RolloutStatus;
}

/** A rollout id, else a target name meaning its latest rollout. */
export async function resolveRollout(api: AviaryApi, ref: string): Promise<RolloutStatus> {
  const byId = await getRollout(api, ref);
  if (byId) return byId;
  const answer = await api.request('GET', `/rollouts?target=${encodeURIComponent(ref)}&limit=1`);
  const latest = answer.status === 200 ? (answer.body as RolloutPage).rollouts[0] : undefined;
  if (!latest) throw new CliError(`no rollout or target "${ref}"`);
  return (await getRollout(api, latest.id)) ?? latest;
}

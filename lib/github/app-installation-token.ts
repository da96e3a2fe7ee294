import { createSign } from 'node:crypto';

export interface GithubAppCredentials {
  appId: string;
  installationId: string;
  /** The App's private key (PEM, PKCS#1 or PKCS#8), from the secret `github-app-private-key`. */
  privateKey: string;
}

export interface InstallationTokenOptions extends GithubAppCredentials {
  apiUrl?: string;
  clock?: () => number;
  fetch?: typeof fetch;
}

/** Renewed this long before GitHub's one-hour expiry, so a token never lapses mid-request. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * The App's JSON Web Token (RS256): `iss` the App id, issued a minute in the past against clock drift, valid
 * for nine minutes (GitHub accepts up to ten).
 */
export function githubAppJwt(appId: string, privateKey: string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: now - 60, exp: now + 540, iss: appId }));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

/**
 * A token provider for a GitHub App installation: exchanges the App's JWT for an installation access token
 * (`POST /app/installations/{id}/access_tokens`) and keeps it until shortly before it expires.
 */
export function githubAppTokenProvider(options: InstallationTokenOptions): () => Promise<string> {
  const base = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const clock = options.clock ?? Date.now;
  const send = options.fetch ?? fetch;
  if (!/^\d+$/.test(options.appId) || !/^\d+$/.test(options.installationId))
    throw new Error('GitHub App id and installation id must be numbers');
  let cached: { token: string; expiresAt: number } | null = null;
  return async () => {
    if (cached && cached.expiresAt - RENEW_BEFORE_MS > clock()) return cached.token;
    const jwt = githubAppJwt(options.appId, options.privateKey, clock());
    const response = await send(`${base}/app/installations/${options.installationId}/access_tokens`, {
      method: 'POST',
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${jwt}`,
        'user-agent': 'aviary',
        'x-github-api-version': '2022-11-28',
      },
      signal: AbortSignal.timeout(5000),
    });
    if (response.status !== 201)
      throw new Error(
        `GitHub refused the App installation token: ${response.status} ${(await response.text()).slice(0, 200)}`,
      );
    const body = (await response.json()) as { token?: unknown; expires_at?: unknown };
    if (typeof body.token !== 'string' || typeof body.expires_at !== 'string')
      throw new Error('GitHub answered without an installation token');
    cached = { token: body.token, expiresAt: Date.parse(body.expires_at) };
    return cached.token;
  };
}

import { type AwsCredentialsProvider, createSigV4Fetch } from '../aws/sigv4-fetch.js';
import { ConfigurationError, UnavailableError } from '../errors.js';
import type { MetricsConfig } from '../model/config.js';

export type PrometheusMetricsConfig = Extract<MetricsConfig, { kind: 'prometheus' }>;
export type PrometheusAuth = PrometheusMetricsConfig['auth'];

/** What came back for one instant query, before it is read. */
export interface PrometheusHttpResponse {
  status: number;
  body: string;
}

/** Sends one instant query (`/api/v1/query`) evaluated at `time` (unix seconds). */
export type PrometheusTransport = (
  query: string,
  time: number,
  signal: AbortSignal,
) => Promise<PrometheusHttpResponse>;

export interface DirectTransportOptions {
  /** Where `bearer` tokens are read from. */
  env?: NodeJS.ProcessEnv;
  /** AWS credentials for `sigv4`; the SDK's default chain otherwise. */
  credentials?: AwsCredentialsProvider;
  fetch?: typeof fetch;
}

/**
 * Prometheus reached at its own URL (a Prometheus, Thanos, Mimir, or an Amazon Managed Prometheus workspace URL
 * like `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-123`). Queries go as POST forms, which every
 * one of them accepts and which keep long selectors out of URLs and logs.
 */
export function directTransport(
  baseUrl: string,
  auth: PrometheusAuth,
  options: DirectTransportOptions = {},
): PrometheusTransport {
  const endpoint = `${baseUrl.replace(/\/+$/, '')}/api/v1/query`;
  const env = options.env ?? process.env;
  const plainFetch = options.fetch ?? fetch;
  const signedFetch =
    auth.kind === 'sigv4'
      ? createSigV4Fetch({
          region: auth.region,
          service: 'aps',
          credentials: options.credentials,
          fetch: plainFetch,
        })
      : undefined;

  return async (query, time, signal) => {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (auth.kind === 'bearer') {
      const token = env[auth.tokenEnv];
      if (!token)
        throw new ConfigurationError(
          `prometheus bearer token: environment variable ${auth.tokenEnv} is not set`,
        );
      headers.authorization = `Bearer ${token}`;
    }
    const body = new URLSearchParams({ query, time: formatTime(time) }).toString();
    try {
      const response = signedFetch
        ? await signedFetch(endpoint, { method: 'POST', headers, body, signal })
        : await plainFetch(endpoint, { method: 'POST', headers, body, signal });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      throw unreachable(`prometheus at ${endpoint}`, error, signal);
    }
  };
}

/** Prometheus `time`: seconds with millisecond precision. */
export function formatTime(time: number): string {
  return time.toFixed(3);
}

export function unreachable(what: string, error: unknown, signal: AbortSignal): Error {
  if (error instanceof UnavailableError || error instanceof ConfigurationError) return error;
  if (signal.aborted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : 'aborted';
    return new UnavailableError(`${what}: ${reason}`);
  }
  const e = error as { message?: string; cause?: { message?: string; code?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return new UnavailableError(`${what}: ${e.message ?? String(error)}${cause ? ` (${cause})` : ''}`);
}

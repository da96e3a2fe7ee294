import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type AwsCredentialsProvider = () => Promise<AwsCredentialIdentity>;

export interface SigV4FetchOptions {
  region: string;
  /** Signing name: `aps` for Amazon Managed Prometheus. */
  service: string;
  /** Defaults to the SDK's default chain (the Lambda role's credentials on AWS). */
  credentials?: AwsCredentialsProvider;
  fetch?: typeof fetch;
}

export interface SignedRequestInit {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export type SignedFetch = (url: string, init: SignedRequestInit) => Promise<Response>;

let defaultCredentials: AwsCredentialsProvider | undefined;

/** One chain per container: it caches what it resolved and renews it before it expires. */
function defaultCredentialChain(): AwsCredentialsProvider {
  defaultCredentials ??= fromNodeProviderChain();
  return defaultCredentials;
}

/** `fetch` that signs each request with AWS Signature Version 4 (headers, body hash) just before sending it. */
export function createSigV4Fetch(options: SigV4FetchOptions): SignedFetch {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(options.region)) {
    throw new Error(`sigv4: "${options.region}" is not an AWS region`);
  }
  const credentials = options.credentials ?? defaultCredentialChain();
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    credentials,
    sha256: Sha256,
  });
  const send = options.fetch ?? fetch;

  return async (url, init) => {
    const u = new URL(url);
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of u.searchParams) {
      const previous = query[key];
      query[key] =
        previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
    const signed = await signer.sign({
      method: init.method.toUpperCase(),
      protocol: u.protocol,
      hostname: u.hostname,
      ...(u.port ? { port: Number(u.port) } : {}),
      path: u.pathname,
      query,
      // fetch sends `Host: hostname[:port]` from the URL, which is what `u.host` holds: sign exactly that.
      headers: { ...init.headers, host: u.host },
      body: init.body,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      if (name.toLowerCase() !== 'host') headers[name] = value;
    }
    return send(url, { method: init.method, headers, body: init.body, signal: init.signal });
  };
}

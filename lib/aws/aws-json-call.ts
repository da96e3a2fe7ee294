import { type AwsCredentialsProvider, createSigV4Fetch } from './sigv4-fetch.js';

/** Where and as whom an AWS JSON call goes; all optional on Lambda (the region and role of the function). */
export interface AwsJsonEndpoint {
  region?: string;
  /** Another endpoint than `https://<service>.<region>.amazonaws.com` (a local double). */
  endpoint?: string;
  credentials?: AwsCredentialsProvider;
  timeoutMs?: number;
}

/** An AWS error answer: its name is the service's error type (`ParameterNotFound`, `ResourceNotFoundException`). */
export class AwsJsonError extends Error {
  constructor(
    type: string,
    readonly status: number,
  ) {
    // The type only: an AWS message can quote the request, and a secret's name or value must not reach a log.
    super(`${type} (HTTP ${status})`);
    this.name = type;
  }
}

/**
 * One call of an AWS JSON 1.1 API (SSM, Secrets Manager): a signed POST with `X-Amz-Target`. The few calls the
 * secrets loader makes, without a generated SDK client (about 90 kB of every function's bundle); signing and
 * credentials are still the SDK's own (`@smithy/signature-v4`, the default provider chain).
 */
export function awsJsonCaller(service: string, targetPrefix: string, options: AwsJsonEndpoint = {}) {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const url = options.endpoint ?? `https://${service}.${region}.amazonaws.com/`;
  const send = createSigV4Fetch({
    region,
    service,
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  return async (operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const response = await send(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${targetPrefix}.${operation}`,
      },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    if (!response.ok) {
      const type = String(body.__type ?? body.code ?? `HTTP${response.status}`).replace(/^.*#/, '');
      throw new AwsJsonError(type, response.status);
    }
    return body;
  };
}

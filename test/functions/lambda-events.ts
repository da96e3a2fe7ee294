import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { readJsonVector } from '../support/vectors.js';

/** A Lambda context like the runtime passes (the Powertools logger reads it). */
export function lambdaContext(functionName = 'aviary-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/26/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export const quietLogger = (): Logger => new Logger({ serviceName: 'aviary-test', logLevel: 'SILENT' });

export interface HttpEventInput {
  method: string;
  path: string;
  routeKey?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
}

/**
 * An HTTP API payload 2.0 event shaped like the real capture in the vectors (Powertools' test event), with
 * this request's method, path, headers (lowercased, as API Gateway delivers them) and body.
 */
export function httpEvent(input: HttpEventInput): APIGatewayProxyEventV2 {
  const base = readJsonVector<APIGatewayProxyEventV2>('lambda_apigw_http_v2.powertools-real-capture.json');
  const headers = Object.fromEntries(
    Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const routeKey = input.routeKey ?? `${input.method} ${input.path}`;
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  const event: APIGatewayProxyEventV2 = {
    ...base,
    routeKey,
    rawPath: input.path,
    rawQueryString,
    headers: { ...base.headers, ...headers, 'content-length': String(Buffer.byteLength(input.body ?? '')) },
    requestContext: {
      ...base.requestContext,
      routeKey,
      http: { ...base.requestContext.http, method: input.method, path: input.path },
    },
    isBase64Encoded: input.isBase64Encoded ?? false,
  };
  if (input.body !== undefined) event.body = input.body;
  if (input.query) event.queryStringParameters = input.query;
  if (input.pathParameters) event.pathParameters = input.pathParameters;
  return event;
}

export interface ResponseOf {
  status: number;
  headers: Record<string, string>;
  json: unknown;
  body: string;
}

export function responseOf(result: unknown): ResponseOf {
  const r = result as { statusCode: number; headers?: Record<string, string>; body?: string };
  const body = r.body ?? '';
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.statusCode, headers: r.headers ?? {}, json, body };
}

/** Runs `fn` and returns the JSON lines written meanwhile (the Powertools logger: info to stdout, warn+ to stderr). */
export async function captureLogs(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    }) as typeof stream.write;
  }
  try {
    await fn();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

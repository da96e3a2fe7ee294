import { ApiException } from '@kubernetes/client-node';
import { ConfigurationError, ConflictError, NotFoundError, UnavailableError } from '../errors.js';

/** Socket-level failures: the API server is down, unreachable or dropped the connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Maps what the Kubernetes client throws to the errors of lib/errors.ts, so the engine can tell "hold, the
 * cluster is down" from "hold, the setup is wrong": 404 → NotFoundError, 409 → ConflictError, 5xx, 429,
 * timeouts and socket errors → UnavailableError; any other status keeps the API server's Status message.
 * `what` names the call, e.g. `get TrafficSplit prod/web`.
 */
export function toKubeError(error: unknown, what: string): Error {
  if (isAviaryError(error)) return error;
  if (error instanceof ApiException) {
    const code = error.code;
    const message = statusMessage(error.body) ?? `HTTP ${code}`;
    if (code === 404) return new NotFoundError(`${what}: ${message}`);
    if (code === 409) return new ConflictError(`${what}: ${message}`);
    if (code >= 500 || code === 429) return new UnavailableError(`${what}: HTTP ${code}: ${message}`);
    return new Error(`${what}: HTTP ${code}: ${message}`);
  }
  if (isTimeout(error)) return new UnavailableError(`${what}: the Kubernetes API did not answer in time`);
  const network = networkCode(error);
  if (network !== undefined) {
    return new UnavailableError(`${what}: cannot reach the Kubernetes API (${network}: ${messageOf(error)})`);
  }
  return error instanceof Error ? error : new Error(`${what}: ${String(error)}`);
}

/** Runs one API call, mapping its failure with `toKubeError`. */
export async function callKube<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKubeError(error, what);
  }
}

/** The `message` of a Kubernetes Status body, or the (trimmed) text of a non-Status body. */
export function statusMessage(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return truncate(body.trim());
    }
  }
  if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) {
    const message = (parsed as { message: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return truncate(typeof body === 'string' ? body.trim() : JSON.stringify(body));
}

function isAviaryError(error: unknown): error is Error {
  return (
    error instanceof NotFoundError ||
    error instanceof ConflictError ||
    error instanceof UnavailableError ||
    error instanceof ConfigurationError
  );
}

function isTimeout(error: unknown): boolean {
  for (const e of causes(error)) {
    const name = (e as { name?: unknown }).name;
    const type = (e as { type?: unknown }).type;
    // node-fetch rejects with AbortError (type "aborted") when the request's AbortSignal fires.
    if (
      name === 'AbortError' ||
      name === 'TimeoutError' ||
      type === 'aborted' ||
      type === 'request-timeout'
    ) {
      return true;
    }
  }
  return false;
}

function networkCode(error: unknown): string | undefined {
  for (const e of causes(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if ((e as { type?: unknown }).type === 'system' && typeof code === 'string') return code;
  }
  return undefined;
}

function* causes(error: unknown): Generator<object> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

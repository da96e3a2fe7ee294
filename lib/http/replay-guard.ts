import { createHash } from 'node:crypto';
import type { RequestLedger } from '../store/request-ledger.js';
import { HttpError } from './http-error.js';
import { type HttpResult, responseForError } from './json-response.js';

/** A verified signed request: its signed timestamp (unix seconds) and its signature header as sent. */
export interface SignedRequest {
  /** Which endpoint: the same bytes signed for two endpoints are two requests. */
  route: string;
  timestampSeconds: number;
  signature: string;
  /** How long after its timestamp the signature check accepts the request. */
  toleranceSeconds: number;
}

/** Marks an answer given again to a replayed request. */
export const REPLAY_HEADER = 'x-aviary-replay';

/**
 * The ledger key: a digest, so its size is fixed whatever the headers held. The signature covers the
 * timestamp and the body, so one (timestamp, signature) pair is one request.
 */
export function signedRequestKey(request: SignedRequest): string {
  const digest = createHash('sha256')
    .update(`${request.timestampSeconds}.${request.signature.trim().toLowerCase()}`)
    .digest('hex');
  return `${request.route}:${digest}`;
}

/**
 * Acts on a verified signed request at most once while its signature is valid. The first copy runs `act`;
 * its answer (success or 4xx refusal) is recorded until the window closes, and every later copy gets that
 * same answer without anything being done again. A copy arriving while the first is still running gets a
 * 409. When `act` fails with a 5xx the claim is dropped, so the sender's retry can still act.
 */
export async function answerOnce(
  ledger: RequestLedger,
  request: SignedRequest,
  nowMs: number,
  act: () => Promise<HttpResult>,
): Promise<HttpResult> {
  const key = signedRequestKey(request);
  const expiresAtMs = (request.timestampSeconds + request.toleranceSeconds + 1) * 1000;
  const claim = await ledger.claim(key, expiresAtMs, nowMs);
  if (claim.kind === 'replay') {
    return {
      statusCode: claim.answer.status,
      headers: { ...claim.answer.headers, [REPLAY_HEADER]: 'original-answer' },
      body: claim.answer.body,
    };
  }
  if (claim.kind === 'in_progress') {
    throw new HttpError(
      409,
      'request_in_progress',
      'this signed request is already being handled; a copy of it is not acted on',
    );
  }
  let answer: HttpResult;
  try {
    answer = await act();
  } catch (error) {
    if (error instanceof HttpError && error.status < 500) {
      answer = responseForError(error);
      await ledger.settle(key, { status: answer.statusCode, body: answer.body, headers: answer.headers });
    } else {
      await ledger.release(key).catch(() => {});
    }
    throw error;
  }
  await ledger.settle(key, { status: answer.statusCode, body: answer.body, headers: answer.headers });
  return answer;
}

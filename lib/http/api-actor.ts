import { header } from '../headers/header.js';
import type { HttpApiEvent } from './http-api-event.js';
import { HttpError } from './http-error.js';

const MAX_ACTOR = 256;
const LOCAL_ACTOR = /^[A-Za-z0-9@._:-]{1,64}$/;

/**
 * Who sends an API command. On AWS the route is IAM-authorized and the caller is the principal API Gateway
 * verified (its ARN), never anything the request says about itself. Only the local stack, which listens on
 * loopback, accepts unsigned callers; they may name themselves with `X-Aviary-Actor` (recorded as `local:…`).
 */
export function apiActor(event: HttpApiEvent, openLocally: boolean): string {
  const arn = event.requestContext.authorizer?.iam?.userArn;
  if (arn) {
    if (arn.length > MAX_ACTOR) throw new HttpError(400, 'bad_request', 'caller ARN is too long');
    return arn;
  }
  if (!openLocally) {
    throw new HttpError(
      403,
      'forbidden',
      'commands need a caller authorized by IAM (sign the request with SigV4)',
    );
  }
  const named = header(event.headers, 'x-aviary-actor');
  if (named !== undefined && !LOCAL_ACTOR.test(named))
    throw new HttpError(400, 'bad_request', 'X-Aviary-Actor must be up to 64 letters, digits or @._:-');
  return `local:${named ?? 'cli'}`;
}

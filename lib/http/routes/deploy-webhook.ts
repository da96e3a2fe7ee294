import type { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../../app/app.js';
import { requiredSecret } from '../../app/required-secret.js';
import { started } from '../../engine/started.js';
import { header } from '../../headers/header.js';
import {
  DEPLOY_SIGNATURE_HEADER,
  DEPLOY_TIMESTAMP_HEADER,
  verifyDeployRequest,
} from '../../signatures/deploy-hmac.js';
import { DEFAULT_TOLERANCE_SECONDS } from '../../signatures/timestamp-window.js';
import { deliveryIdHeader } from '../delivery-id.js';
import { DeployRequestSchema } from '../deploy-request.js';
import { engineRefusal } from '../engine-refusal.js';
import type { HttpApiEvent } from '../http-api-event.js';
import { HttpError } from '../http-error.js';
import { parseJsonBody } from '../json-body.js';
import { type HttpResult, jsonResponse } from '../json-response.js';
import { readRawBody } from '../raw-body.js';
import { answerOnce } from '../replay-guard.js';
import { requireMediaType, requireMethod } from '../request-guards.js';

/**
 * `POST /webhooks/deploy`: CI announces a revision for a target. Nothing is parsed before the signature is
 * verified; an exact copy of a request accepted before gets the first answer again and changes nothing; the
 * same revision announced again answers 200 with the existing rollout instead of 202; an announcement signed
 * before the one behind the target's latest rollout is refused (409) unless it says `force`.
 */
export async function handleDeployWebhook(
  app: App,
  event: HttpApiEvent,
  logger: Logger,
): Promise<HttpResult> {
  requireMethod(event, 'POST');
  const raw = readRawBody(event);
  const nowMs = app.clock();
  const check = verifyDeployRequest({
    secret: requiredSecret(app.secrets, 'deploySecret'),
    headers: event.headers,
    body: raw,
    nowMs,
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  });
  if (!check.ok) throw new HttpError(401, check.code, check.message);
  // Verified: both headers are present and the timestamp is unix seconds.
  const timestampSeconds = Number(header(event.headers, DEPLOY_TIMESTAMP_HEADER)?.trim());
  const signed = {
    route: 'deploy',
    timestampSeconds,
    signature: header(event.headers, DEPLOY_SIGNATURE_HEADER) ?? '',
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  };
  return answerOnce(app.requests, signed, nowMs, async () => {
    requireMediaType(event, 'application/json');
    const request = parseJsonBody(raw, DeployRequestSchema);
    const deliveryId = deliveryIdHeader(event, 'x-aviary-delivery') ?? event.requestContext.requestId;
    logger.info('deploy requested', {
      target: request.target,
      revision: request.revision,
      environment: request.environment,
      force: request.force ?? false,
    });
    const result = await app.engine.start({
      target: request.target,
      revision: request.revision,
      image: request.image ?? null,
      source: {
        kind: 'webhook',
        deliveryId,
        ...(request.actor ? { actor: request.actor } : {}),
      },
      announcedAt: timestampSeconds * 1000,
      ...(request.force ? { force: true } : {}),
    });
    if (!result.ok) throw engineRefusal(result);
    const { id, target, revision, phase, kind } = started(result);
    return jsonResponse(result.created ? 202 : 200, {
      rollout: { id, target, revision, phase, ...(kind === 'fleet' ? { kind } : {}) },
      created: result.created,
      ...(result.superseded ? { superseded: result.superseded } : {}),
    });
  });
}

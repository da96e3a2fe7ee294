import type { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../../app/app.js';
import { started } from '../../engine/started.js';
import { verifyDeployRequest } from '../../signatures/deploy-hmac.js';
import { DeployRequestSchema } from '../deploy-request.js';
import { engineRefusal } from '../engine-refusal.js';
import { header } from '../header.js';
import type { HttpApiEvent } from '../http-api-event.js';
import { HttpError } from '../http-error.js';
import { parseJsonBody } from '../json-body.js';
import { type HttpResult, jsonResponse } from '../json-response.js';
import { readRawBody } from '../raw-body.js';
import { requireMediaType, requireMethod } from '../request-guards.js';

/**
 * `POST /webhooks/deploy`: CI announces a revision for a target. Nothing is parsed before the signature is
 * verified; the same revision announced again answers 200 with the existing rollout instead of 202.
 */
export async function handleDeployWebhook(
  app: App,
  event: HttpApiEvent,
  logger: Logger,
): Promise<HttpResult> {
  requireMethod(event, 'POST');
  const raw = readRawBody(event);
  const check = verifyDeployRequest({
    secret: app.secrets.deploySecret,
    headers: event.headers,
    body: raw,
    nowMs: app.clock(),
  });
  if (!check.ok) throw new HttpError(401, check.code, check.message);
  requireMediaType(event, 'application/json');
  const request = parseJsonBody(raw, DeployRequestSchema);
  logger.info('deploy requested', {
    target: request.target,
    revision: request.revision,
    environment: request.environment,
  });
  const result = await app.engine.start({
    target: request.target,
    revision: request.revision,
    image: request.image ?? null,
    source: {
      kind: 'webhook',
      deliveryId: header(event.headers, 'x-aviary-delivery') ?? event.requestContext.requestId,
      ...(request.actor ? { actor: request.actor } : {}),
    },
  });
  if (!result.ok) throw engineRefusal(result);
  const { id, target, revision, phase, kind } = started(result);
  return jsonResponse(result.created ? 202 : 200, {
    rollout: { id, target, revision, phase, ...(kind === 'fleet' ? { kind } : {}) },
    created: result.created,
    ...(result.superseded ? { superseded: result.superseded } : {}),
  });
}

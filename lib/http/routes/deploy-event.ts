import type { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { App } from '../../app/app.js';
import type { StartResult } from '../../engine/engine.js';
import { started } from '../../engine/started.js';
import { DeliveryIdSchema } from '../delivery-id.js';
import { DeployRequestSchema } from '../deploy-request.js';
import { describeIssues, fieldIssues } from '../validation-details.js';

export const DEPLOY_DETAIL_TYPE = 'Aviary Deployment';
export const DEFAULT_DEPLOY_EVENT_SOURCE = 'aviary.ci';

/** A deploy event Aviary cannot act on; thrown so the event lands in the dead-letter queue. */
export class DeployEventError extends Error {
  override name = 'DeployEventError';
}

/**
 * An "Aviary Deployment" EventBridge event: the same body as the deploy webhook, as `detail`. No signature:
 * IAM decides who may put events on the bus. `source` is whatever the rule matches (`aviary.ci` by default).
 */
export async function handleDeployEvent(
  app: App,
  event: unknown,
  logger: Logger,
  expectedSource: string = DEFAULT_DEPLOY_EVENT_SOURCE,
): Promise<Extract<StartResult, { ok: true }>> {
  const envelope = EventBridgeSchema.safeParse(event);
  if (!envelope.success) {
    const issues = fieldIssues(envelope.error);
    logger.error('not an EventBridge event', { issues });
    throw new DeployEventError(`not an EventBridge event: ${describeIssues(issues)}`);
  }
  const { id, source } = envelope.data;
  const detailType = envelope.data['detail-type'];
  if (detailType !== DEPLOY_DETAIL_TYPE || source !== expectedSource) {
    logger.error('unexpected event', { id, source, detailType });
    throw new DeployEventError(
      `expected detail-type "${DEPLOY_DETAIL_TYPE}" from "${expectedSource}", got "${detailType}" from "${source}"`,
    );
  }
  if (!DeliveryIdSchema.safeParse(id).success) {
    logger.error('unusable event id', { length: id.length });
    throw new DeployEventError('the event id is not a usable delivery id (1 to 128 URL-safe characters)');
  }
  const detail = DeployRequestSchema.safeParse(envelope.data.detail);
  if (!detail.success) {
    const issues = fieldIssues(detail.error);
    logger.error('invalid deploy event detail', { id, issues });
    throw new DeployEventError(`event ${id}: invalid detail: ${describeIssues(issues)}`);
  }
  const result = await app.engine.start({
    target: detail.data.target,
    revision: detail.data.revision,
    image: detail.data.image ?? null,
    source: {
      kind: 'eventbridge',
      deliveryId: id,
      ...(detail.data.actor ? { actor: detail.data.actor } : {}),
    },
  });
  if (!result.ok) {
    logger.error('deploy event refused', { id, status: result.status, error: result.error });
    throw new DeployEventError(`event ${id}: ${result.error} (${result.status})`);
  }
  logger.info('deploy event', {
    id,
    rollout: started(result).id,
    created: result.created,
    environment: detail.data.environment,
  });
  return result;
}

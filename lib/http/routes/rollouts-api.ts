import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import type { App } from '../../app/app.js';
import type { FleetRolloutStatus, RolloutStatus } from '../../engine/engine.js';
import { started } from '../../engine/started.js';
import { PhaseSchema } from '../../model/rollout.js';
import { InvalidCursorError, MAX_CURSOR_LENGTH } from '../../store/page-cursor.js';
import { apiActor } from '../api-actor.js';
import { CommandRequestSchema } from '../command-request.js';
import { engineRefusal } from '../engine-refusal.js';
import type { HttpApiEvent } from '../http-api-event.js';
import { HttpError } from '../http-error.js';
import { parseJsonBody } from '../json-body.js';
import { type HttpResult, jsonResponse } from '../json-response.js';
import { readRawBody } from '../raw-body.js';
import { requireMediaType, requireMethod } from '../request-guards.js';
import { describeIssues, fieldIssues } from '../validation-details.js';
import { listViewLink, rolloutViewLink } from '../view-link-for.js';

const Name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and "-"')
  .max(80);

const ListQuerySchema = z
  .object({
    target: Name.optional(),
    phase: PhaseSchema.optional(),
    active: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
    cursor: z.string().max(MAX_CURSOR_LENGTH).optional(),
  })
  .strict();

/**
 * `GET /rollouts?target=&phase=&active=&limit=&cursor=` (newest first, paged), `GET /rollouts/{id}` (with its
 * decision history) and `POST /rollouts/{id}/commands` (approve, reject, pause, resume, abort, promote, retry).
 * The GET answers carry `viewUrl`, a signed link to the same view as a page (null without a view secret).
 */
export async function handleRolloutsApi(app: App, event: HttpApiEvent, logger: Logger): Promise<HttpResult> {
  const id = event.pathParameters?.id;
  if (event.routeKey.endsWith('/commands') || event.rawPath.endsWith('/commands')) {
    requireMethod(event, 'POST');
    return runCommand(app, event, validId(id), logger);
  }
  requireMethod(event, 'GET');
  if (id !== undefined) {
    // A rollout id, else a fleet rollout id or a fleet name (its rollout under way, else its latest).
    const valid = validId(id);
    const status = (await app.engine.status(valid)) ?? (await app.engine.fleetStatus(valid));
    if (!status) throw new HttpError(404, 'not_found', `no rollout "${id}"`);
    return jsonResponse(200, { ...status, viewUrl: rolloutViewLink(app, event, status.id) });
  }
  const query = ListQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!query.success) {
    const issues = fieldIssues(query.error);
    throw new HttpError(400, 'invalid_query', `invalid query: ${describeIssues(issues)}`, { issues });
  }
  const { target, phase, active, limit, cursor } = query.data;
  try {
    const page = await app.engine.page({
      ...(target ? { target } : {}),
      ...(phase ? { phase } : {}),
      ...(active === 'true' ? { active: true } : {}),
      ...(limit ? { limit } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return jsonResponse(200, { ...page, viewUrl: listViewLink(app, event) });
  } catch (e) {
    if (e instanceof InvalidCursorError) throw new HttpError(400, 'invalid_query', e.message);
    throw e;
  }
}

function validId(id: string | undefined): string {
  const valid = Name.safeParse(id);
  if (!valid.success) throw new HttpError(400, 'invalid_id', `rollout id ${valid.error.issues[0]?.message}`);
  return valid.data;
}

/** Same rules as Slack: bound to the rollout, the revision and (approve/reject) the gate pending when read. */
async function runCommand(app: App, event: HttpApiEvent, id: string, logger: Logger): Promise<HttpResult> {
  const actor = apiActor(event, app.openCommands === true);
  requireMediaType(event, 'application/json');
  const request = parseJsonBody(readRawBody(event), CommandRequestSchema);
  logger.info('api command', { id, command: request.command, actor });
  if (request.command === 'retry') {
    const result = await app.engine.retry(id, {
      actor,
      via: 'api',
      ...(request.reason ? { reason: request.reason } : {}),
    });
    if (!result.ok) throw engineRefusal(result);
    const retried = started(result).id;
    const status = await app.engine.status(retried);
    return jsonResponse(202, { message: `retry of ${id} started as ${retried}`, rollout: status });
  }
  if (request.command === 'promote' && !request.reason) {
    throw new HttpError(
      422,
      'invalid_request',
      'promote skips the remaining steps and analysis: give a reason',
      {
        issues: [{ field: 'reason', message: 'required for promote' }],
      },
    );
  }
  let gate: string | undefined;
  let revision = request.revision;
  if (request.command === 'approve' || request.command === 'reject') {
    // What the caller saw is what they decide on: a gate that moves on before the write is refused (409).
    const current = await app.engine.status(id);
    if (current?.approval) {
      gate = current.approval.gate;
      revision ??= current.approval.revision;
    }
  }
  const result = await app.engine.command(id, {
    kind: request.command,
    actor,
    via: 'api',
    ...(revision ? { revision } : {}),
    ...(gate ? { gate } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
  });
  if (!result.ok) throw engineRefusal(result);
  const status: RolloutStatus | FleetRolloutStatus | null = result.fleet
    ? await app.engine.fleetStatus(result.fleet.id)
    : await app.engine.status(result.rollout.id);
  return jsonResponse(200, { message: result.message, rollout: status });
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import type { App } from '../../app/app.js';
import type { HttpApiEvent } from '../http-api-event.js';
import { HttpError } from '../http-error.js';
import { type HttpResult, jsonResponse } from '../json-response.js';
import { requireMethod } from '../request-guards.js';
import { describeIssues, fieldIssues } from '../validation-details.js';

const Name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and "-"')
  .max(80);

const ListQuerySchema = z
  .object({
    target: Name.optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict();

/** `GET /rollouts?target=&limit=` (newest first) and `GET /rollouts/{id}` (with its decision history). */
export async function handleRolloutsApi(app: App, event: HttpApiEvent, _logger: Logger): Promise<HttpResult> {
  requireMethod(event, 'GET');
  const id = event.pathParameters?.id;
  if (id !== undefined) {
    const valid = Name.safeParse(id);
    if (!valid.success)
      throw new HttpError(400, 'invalid_id', `rollout id ${valid.error.issues[0]?.message}`);
    // A rollout id, else a fleet rollout id or a fleet name (its rollout under way, else its latest).
    const status = (await app.engine.status(valid.data)) ?? (await app.engine.fleetStatus(valid.data));
    if (!status) throw new HttpError(404, 'not_found', `no rollout "${valid.data}"`);
    return jsonResponse(200, status);
  }
  const query = ListQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!query.success) {
    const issues = fieldIssues(query.error);
    throw new HttpError(400, 'invalid_query', `invalid query: ${describeIssues(issues)}`, { issues });
  }
  const options = {
    ...(query.data.target ? { target: query.data.target } : {}),
    ...(query.data.limit ? { limit: query.data.limit } : {}),
  };
  return jsonResponse(200, { rollouts: await app.engine.list(options) });
}

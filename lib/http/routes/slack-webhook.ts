import type { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../../app/app.js';
import type { RolloutStatus } from '../../engine/engine.js';
import { verifySlackRequest } from '../../signatures/slack.js';
import { parseSlackBody } from '../../slack/parse-slack-body.js';
import { fleetStatusText, statusText } from '../../slack/status-text.js';
import { engineRefusal } from '../engine-refusal.js';
import type { HttpApiEvent } from '../http-api-event.js';
import { HttpError } from '../http-error.js';
import { type HttpResult, jsonResponse } from '../json-response.js';
import { readRawBody } from '../raw-body.js';
import { requireMediaType, requireMethod } from '../request-guards.js';

const ephemeral = (text: string): HttpResult => jsonResponse(200, { response_type: 'ephemeral', text });

/** Slack only needs the 200: the rollout's message is updated through `chat.update` by the notifier. */
const acknowledged = (): HttpResult => ({ statusCode: 200, headers: {}, body: '' });

/** How many rollouts `/aviary status` without a reference lists. */
const STATUS_LIST_LIMIT = 10;

/**
 * `POST /webhooks/slack`: Aviary's approve/reject buttons and the `/aviary` slash command. The signature is
 * checked on the raw (decoded) body before anything is parsed; every state change goes through the engine,
 * which checks that the user is an approver and that an approval matches the pending revision and gate.
 */
export async function handleSlackWebhook(app: App, event: HttpApiEvent, logger: Logger): Promise<HttpResult> {
  requireMethod(event, 'POST');
  const raw = readRawBody(event);
  const check = verifySlackRequest({
    signingSecret: app.secrets.slackSigningSecret,
    headers: event.headers,
    body: raw,
    nowMs: app.clock(),
  });
  if (!check.ok) throw new HttpError(401, check.code, check.message);
  requireMediaType(event, 'application/x-www-form-urlencoded');
  const request = parseSlackBody(raw.toString('utf8'));
  switch (request.kind) {
    case 'invalid':
      throw new HttpError(400, 'bad_request', request.message, request.details);
    case 'ignored':
      logger.info('slack request ignored', { reason: request.reason });
      return acknowledged();
    case 'usage':
      return ephemeral(request.text);
    case 'status': {
      const statuses = await findStatuses(app, request.ref);
      const fleet = statuses === null && request.ref ? await app.engine.fleetStatus(request.ref) : null;
      if (fleet) return ephemeral(fleetStatusText(fleet));
      if (statuses === null) throw new HttpError(404, 'not_found', `no rollout or target "${request.ref}"`);
      return ephemeral(statusText(statuses));
    }
    case 'command': {
      const { ref, command, via } = request;
      logger.info('slack command', { ref, kind: command.kind, actor: command.actor, via });
      const result = await app.engine.command(ref, command);
      if (!result.ok) {
        // The HTTP answer is for Slack; the person who clicked or typed hears why, privately.
        if (request.responseUrl && app.respond)
          await app.respond(request.responseUrl, `:no_entry: ${result.error}`);
        throw engineRefusal(result);
      }
      if (via === 'button') return acknowledged();
      const subject = result.rollout ?? result.fleet;
      return ephemeral(`${result.message} (\`${subject.id}\` is now *${subject.phase}*)`);
    }
  }
}

/** A rollout by id, else a target's latest rollout, else (no reference) the most recent rollouts. */
async function findStatuses(app: App, ref: string | null): Promise<RolloutStatus[] | null> {
  if (ref === null) return app.engine.list({ limit: STATUS_LIST_LIMIT });
  const one = await app.engine.status(ref);
  if (one) return [one];
  const latest = await app.engine.list({ target: ref, limit: 1 });
  return latest.length > 0 ? latest : null;
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../../app/app.js';
import { requiredSecret } from '../../app/required-secret.js';
import { followUp } from '../../app/run-follow-up.js';
import type { RolloutStatus } from '../../engine/engine.js';
import { started } from '../../engine/started.js';
import { header } from '../../headers/header.js';
import type { Command } from '../../model/rollout.js';
import {
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  verifySlackRequest,
} from '../../signatures/slack.js';
import { DEFAULT_TOLERANCE_SECONDS } from '../../signatures/timestamp-window.js';
import { parseSlackBody } from '../../slack/parse-slack-body.js';
import { originRefusal } from '../../slack/slack-origin.js';
import type { SlackRequest } from '../../slack/slack-request.js';
import { fleetStatusText, statusText } from '../../slack/status-text.js';
import { engineRefusal } from '../engine-refusal.js';
import type { HttpApiEvent } from '../http-api-event.js';
import { HttpError } from '../http-error.js';
import { type HttpResult, jsonResponse } from '../json-response.js';
import { readRawBody } from '../raw-body.js';
import { answerOnce } from '../replay-guard.js';
import { requireMediaType, requireMethod } from '../request-guards.js';

const ephemeral = (text: string): HttpResult => jsonResponse(200, { response_type: 'ephemeral', text });

/** Slack only needs the 200: the rollout's message is updated through `chat.update` by a follow-up. */
const acknowledged = (): HttpResult => ({ statusCode: 200, headers: {}, body: '' });

/** How many rollouts `/aviary status` without a reference lists. */
const STATUS_LIST_LIMIT = 10;

type CommandRequest = Extract<SlackRequest, { kind: 'command' }>;

/**
 * `POST /webhooks/slack`: Aviary's approve/reject buttons and the `/aviary` slash command. The signature is
 * checked on the raw (decoded) body before anything is parsed, and an exact copy of a request accepted before
 * gets the first answer again without acting. Requests must come from the configured workspace (and Grid org
 * and app); every state change goes through the engine, which checks that the user is an approver and that
 * an approval matches the pending revision and gate.
 */
export async function handleSlackWebhook(app: App, event: HttpApiEvent, logger: Logger): Promise<HttpResult> {
  requireMethod(event, 'POST');
  const raw = readRawBody(event);
  const nowMs = app.clock();
  const check = verifySlackRequest({
    signingSecret: requiredSecret(app.secrets, 'slackSigningSecret'),
    headers: event.headers,
    body: raw,
    nowMs,
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  });
  if (!check.ok) throw new HttpError(401, check.code, check.message);
  const signed = {
    route: 'slack',
    // Verified: the timestamp is unix seconds and the signature is present.
    timestampSeconds: Number(header(event.headers, SLACK_TIMESTAMP_HEADER)?.trim()),
    signature: header(event.headers, SLACK_SIGNATURE_HEADER) ?? '',
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  };
  return answerOnce(app.requests, signed, nowMs, async () => {
    requireMediaType(event, 'application/x-www-form-urlencoded');
    return answer(app, parseSlackBody(raw.toString('utf8')), logger);
  });
}

async function answer(app: App, request: SlackRequest, logger: Logger): Promise<HttpResult> {
  switch (request.kind) {
    case 'invalid':
      throw new HttpError(400, 'bad_request', request.message, request.details);
    case 'ignored':
      logger.info('slack request ignored', { reason: request.reason });
      return acknowledged();
    case 'usage':
      return ephemeral(request.text);
    case 'status': {
      requireWorkspace(app, request.origin);
      const statuses = await findStatuses(app, request.ref);
      const fleet = statuses === null && request.ref ? await app.engine.fleetStatus(request.ref) : null;
      if (fleet) return ephemeral(fleetStatusText(fleet));
      if (statuses === null) throw new HttpError(404, 'not_found', `no rollout or target "${request.ref}"`);
      return ephemeral(statusText(statuses));
    }
    case 'retry': {
      requireWorkspace(app, request.origin);
      logger.info('slack command', { ref: request.ref, kind: 'retry', actor: request.actor, via: 'slash' });
      const result = await app.engine.retry(request.ref, { actor: request.actor, via: 'slack' });
      if (!result.ok) {
        await answerPrivately(app, request.responseUrl, `:no_entry: ${result.error}`);
        throw engineRefusal(result);
      }
      return ephemeral(
        `Retrying \`${request.ref}\`: \`${started(result).id}\` rolls out \`${started(result).revision}\` again (*${started(result).phase}*)`,
      );
    }
    case 'command':
      requireWorkspace(app, request.origin);
      return runCommand(app, request, logger);
  }
}

async function runCommand(app: App, request: CommandRequest, logger: Logger): Promise<HttpResult> {
  const { via } = request;
  const { ref, command } = via === 'slash' ? await bindSlashApproval(app, request) : request;
  logger.info('slack command', { ref, kind: command.kind, actor: command.actor, via });
  // Saved now, published after the answer: Slack's 3 seconds must not depend on Slack's own API.
  const result = await app.engine.command(ref, command, { publish: 'later' });
  if (!result.ok) {
    // The HTTP answer is for Slack; the person who clicked or typed hears why, privately.
    await answerPrivately(app, request.responseUrl, `:no_entry: ${result.error}`);
    throw engineRefusal(result);
  }
  // A fleet command publishes its fleet message itself; a rollout's message is drawn after the answer.
  if (result.rollout) await followUp(app, { kind: 'publish', rolloutId: result.rollout.id });
  if (via === 'button') return acknowledged();
  const bound =
    command.revision !== undefined && command.gate !== undefined
      ? ` (revision \`${command.revision}\`, gate \`${command.gate}\`)`
      : '';
  const subject = result.rollout ?? result.fleet;
  return ephemeral(`${result.message}${bound} (\`${subject.id}\` is now *${subject.phase}*)`);
}

/** A private answer through the interaction's `response_url`, sent after Slack has been answered. */
async function answerPrivately(app: App, responseUrl: string | undefined, text: string): Promise<void> {
  if (responseUrl && app.respond) await followUp(app, { kind: 'respond', responseUrl, text });
}

function requireWorkspace(app: App, origin: CommandRequest['origin']): void {
  const refusal = originRefusal(app.config.slack, origin);
  if (refusal) throw new HttpError(403, 'forbidden', refusal);
}

/**
 * A button carries the revision and gate its message was rendered for; a typed `/aviary approve podinfo` does
 * not. It is bound here to the rollout, revision and gate pending when the command is read, so that if a newer
 * revision replaces it before the approval is written, the engine refuses instead of approving what the
 * person never saw.
 */
async function bindSlashApproval(
  app: App,
  request: CommandRequest,
): Promise<{ ref: string; command: Command }> {
  const { command } = request;
  if (command.kind !== 'approve' && command.kind !== 'reject') return request;
  const [status] = (await findStatuses(app, request.ref)) ?? [];
  if (!status) {
    // A fleet rollout (or fleet): bound to the wave waiting for approval, as its button would be.
    const fleet = await app.engine.fleetStatus(request.ref);
    if (!fleet) throw new HttpError(404, 'not_found', `no rollout, target or fleet "${request.ref}"`);
    if (fleet.phase !== 'awaiting_approval') {
      throw new HttpError(
        409,
        'conflict',
        `fleet rollout ${fleet.id} is ${fleet.phase}; no wave awaits approval`,
      );
    }
    return { ref: fleet.id, command: { ...command, revision: fleet.revision, gate: `wave:${fleet.wave}` } };
  }
  if (!status.approval) {
    throw new HttpError(409, 'conflict', `rollout ${status.id} is ${status.phase}; no approval is pending`);
  }
  return {
    ref: status.id,
    command: { ...command, revision: status.approval.revision, gate: status.approval.gate },
  };
}

/** A rollout by id, else a target's latest rollout, else (no reference) the most recent rollouts. */
async function findStatuses(app: App, ref: string | null): Promise<RolloutStatus[] | null> {
  if (ref === null) return app.engine.list({ limit: STATUS_LIST_LIMIT });
  const one = await app.engine.status(ref);
  if (one) return [one];
  const latest = await app.engine.list({ target: ref, limit: 1 });
  return latest.length > 0 ? latest : null;
}

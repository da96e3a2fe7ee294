import type { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../../app/app.js';
import { fleetsForGithubEnvironment, targetsForGithubEnvironment } from '../../config/load-config.js';
import type { StartResult } from '../../engine/engine.js';
import { started as startedSummary } from '../../engine/started.js';
import { RevisionSchema } from '../../model/rollout.js';
import { verifyGithubSignature } from '../../signatures/github.js';
import { engineRefusal } from '../engine-refusal.js';
import { GithubDeploymentEventSchema } from '../github-deployment-event.js';
import { header } from '../header.js';
import type { HttpApiEvent } from '../http-api-event.js';
import { HttpError } from '../http-error.js';
import { parseJsonBody } from '../json-body.js';
import { type HttpResult, jsonResponse } from '../json-response.js';
import { readRawBody } from '../raw-body.js';
import { requireMediaType, requireMethod } from '../request-guards.js';

const ignored = (reason: string): HttpResult => jsonResponse(202, { ignored: true, reason });

/**
 * `POST /webhooks/github`: a `deployment` event starts a rollout on every target mapped to its environment.
 * `ping` answers 200; other events and unmapped environments are acknowledged (202) and ignored.
 */
export async function handleGithubWebhook(
  app: App,
  event: HttpApiEvent,
  logger: Logger,
): Promise<HttpResult> {
  requireMethod(event, 'POST');
  const raw = readRawBody(event);
  const check = verifyGithubSignature({
    secret: app.secrets.githubWebhookSecret,
    headers: event.headers,
    body: raw,
  });
  if (!check.ok) throw new HttpError(401, check.code, check.message);
  requireMediaType(event, 'application/json', 'set the webhook content type to application/json');
  const kind = header(event.headers, 'x-github-event');
  const deliveryId = header(event.headers, 'x-github-delivery');
  if (!kind) throw new HttpError(400, 'bad_request', 'missing X-GitHub-Event header');
  if (kind === 'ping') return jsonResponse(200, { ok: true, event: 'ping' });
  if (kind !== 'deployment') return ignored(`event "${kind}" is not handled; subscribe to deployment events`);

  const payload = parseJsonBody(raw, GithubDeploymentEventSchema);
  if (payload.action && payload.action !== 'created')
    return ignored(`deployment action "${payload.action}" is not handled`);
  const { deployment } = payload;
  // A fleet mapped to the environment is started like a target (its rollout takes the targets wave by wave).
  const targets = [
    ...targetsForGithubEnvironment(app.config, deployment.environment).map((t) => t.name),
    ...fleetsForGithubEnvironment(app.config, deployment.environment),
  ];
  if (targets.length === 0)
    return ignored(`no target is mapped to GitHub environment "${deployment.environment}"`);
  const revision = deployment.sha ?? deployment.ref;
  const valid = RevisionSchema.safeParse(revision);
  if (!valid.success) {
    throw new HttpError(
      422,
      'invalid_request',
      `deployment.sha/ref is not a usable revision: ${valid.error.issues[0]?.message}`,
    );
  }
  logger.info('github deployment', {
    environment: deployment.environment,
    revision: valid.data,
    targets,
    deliveryId,
  });

  const results: { target: string; result: StartResult }[] = [];
  for (const target of targets) {
    const result = await app.engine.start({
      target,
      revision: valid.data,
      source: {
        kind: 'github',
        ...(deliveryId ? { deliveryId } : {}),
        ...(deployment.creator?.login ? { actor: deployment.creator.login } : {}),
      },
    });
    results.push({ target, result });
  }
  const started = results.flatMap(({ result }) => (result.ok ? [result] : []));
  const first = results[0]?.result;
  if (started.length === 0 && first && !first.ok) throw engineRefusal(first);
  return jsonResponse(started.some((r) => r.created) ? 202 : 200, {
    rollouts: results.map(({ target, result }) =>
      result.ok
        ? {
            id: startedSummary(result).id,
            target,
            revision: startedSummary(result).revision,
            phase: startedSummary(result).phase,
            created: result.created,
            ...(result.fleet ? { kind: 'fleet' } : {}),
          }
        : { target, error: { status: result.status, message: result.error } },
    ),
  });
}

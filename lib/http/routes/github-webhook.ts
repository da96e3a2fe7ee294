import type { Logger } from '@aws-lambda-powertools/logger';
import type { App } from '../../app/app.js';
import { requiredSecret } from '../../app/required-secret.js';
import { fleetsForGithubEnvironment, targetsForGithubEnvironment } from '../../config/config-lookup.js';
import type { StartResult } from '../../engine/engine.js';
import { started as startedSummary } from '../../engine/started.js';
import { deploymentImage } from '../../github/deployment-image.js';
import { shortDescription } from '../../github/deployment-status.js';
import { header } from '../../headers/header.js';
import { type GithubDeploymentRef, RevisionSchema } from '../../model/rollout.js';
import { verifyGithubSignature } from '../../signatures/github.js';
import { deliveryIdHeader } from '../delivery-id.js';
import { engineRefusal } from '../engine-refusal.js';
import { GithubDeploymentEventSchema } from '../github-deployment-event.js';
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
    secret: requiredSecret(app.secrets, 'githubWebhookSecret'),
    headers: event.headers,
    body: raw,
  });
  if (!check.ok) throw new HttpError(401, check.code, check.message);
  requireMediaType(event, 'application/json', 'set the webhook content type to application/json');
  const kind = header(event.headers, 'x-github-event');
  const deliveryId = deliveryIdHeader(event, 'x-github-delivery');
  if (!kind) throw new HttpError(400, 'bad_request', 'missing X-GitHub-Event header');
  if (kind === 'ping') return jsonResponse(200, { ok: true, event: 'ping' });
  if (kind !== 'deployment') return ignored(`event "${kind}" is not handled; subscribe to deployment events`);

  const payload = parseJsonBody(raw, GithubDeploymentEventSchema);
  if (payload.action && payload.action !== 'created')
    return ignored(`deployment action "${payload.action}" is not handled`);
  const { deployment } = payload;
  // A fleet mapped to the environment starts like a target (its rollout then takes its targets wave by wave); its
  // image comes from the deployment's payload, a fleet having no image template of its own.
  const targets: { name: string; imageTemplate?: string | undefined }[] = [
    ...targetsForGithubEnvironment(app.config, deployment.environment),
    ...fleetsForGithubEnvironment(app.config, deployment.environment).map((name) => ({ name })),
  ];
  if (targets.length === 0)
    return ignored(`no target is mapped to GitHub environment "${deployment.environment}"`);
  const repository = payload.repository?.full_name;
  const github = repository
    ? { repository, deploymentId: deployment.id, environment: deployment.environment }
    : undefined;
  const revision = deployment.sha ?? deployment.ref;
  const valid = RevisionSchema.safeParse(revision);
  if (!valid.success) {
    const message = `deployment.sha/ref is not a usable revision: ${valid.error.issues[0]?.message}`;
    await reportRefusal(app, github, message, logger);
    throw new HttpError(422, 'invalid_request', message);
  }
  logger.info('github deployment', {
    environment: deployment.environment,
    deploymentId: deployment.id,
    revision: valid.data,
    targets: targets.map((t) => t.name),
    deliveryId,
  });

  const results: { target: string; result: StartResult }[] = [];
  for (const target of targets) {
    const image = deploymentImage({
      payload: deployment.payload,
      template: target.imageTemplate,
      sha: deployment.sha,
      ref: deployment.ref,
      environment: deployment.environment,
    });
    if (!image.ok) {
      results.push({ target: target.name, result: { ok: false, status: 422, error: image.reason } });
      continue;
    }
    const result = await app.engine.start({
      target: target.name,
      revision: valid.data,
      image: image.image,
      source: {
        kind: 'github',
        // X-GitHub-Delivery is not signed; the deployment id is, so it names the delivery (per target).
        deliveryId: `${deployment.id}@${target.name}`,
        ...(deployment.creator?.login ? { actor: deployment.creator.login } : {}),
      },
      ...(github ? { github } : {}),
    });
    results.push({ target: target.name, result });
  }
  const started = results.flatMap(({ result }) => (result.ok ? [result] : []));
  const refusedImage = results.find(({ result }) => !result.ok && result.status === 422);
  if (refusedImage && !refusedImage.result.ok)
    await reportRefusal(app, github, `${refusedImage.target}: ${refusedImage.result.error}`, logger);
  const first = results[0]?.result;
  if (started.length === 0 && first && !first.ok) throw engineRefusal(first);
  return jsonResponse(started.some((r) => r.created) ? 202 : 200, {
    rollouts: results.map(({ target, result }) =>
      result.ok
        ? {
            id: startedSummary(result).id,
            target,
            revision: startedSummary(result).revision,
            image: (result.rollout ?? result.fleet).image,
            phase: startedSummary(result).phase,
            created: result.created,
            ...(result.fleet ? { kind: 'fleet' } : {}),
          }
        : { target, error: { status: result.status, message: result.error } },
    ),
  });
}

/** A deployment Aviary will not roll out is marked `failure` on GitHub, so nobody waits for it. */
async function reportRefusal(
  app: App,
  github: GithubDeploymentRef | undefined,
  message: string,
  logger: Logger,
): Promise<void> {
  if (!app.github || !github) return;
  try {
    await app.github.post(github, { state: 'failure', description: shortDescription(`refused: ${message}`) });
  } catch (e) {
    logger.warn('GitHub deployment status failed', { error: String(e), deploymentId: github.deploymentId });
  }
}

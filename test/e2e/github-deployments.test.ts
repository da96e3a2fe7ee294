import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../lib/engine/engine.js';
import type { LocalResponse } from '../../lib/local/local-client.js';
import { RolloutEventDetailSchema } from '../../lib/notify/rollout-event.js';
import { GITHUB_SIGNATURE_HEADER, signGithubPayload } from '../../lib/signatures/github.js';
import { readJsonVector } from '../support/vectors.js';
import { deploymentIn, e2eConfig, statusOf, tickUntil, useTestStack } from './stack.js';

type GithubPayload = {
  deployment: Record<string, unknown>;
  repository: { full_name: string };
};

const REPO = 'Codertocat/Hello-World';
const config = e2eConfig();
// podinfo derives its image from the sha; checkout has no template, so GitHub must name the image.
(config.targets.podinfo as { imageTemplate?: string }).imageTemplate = 'ghcr.io/stefanprodan/podinfo:{sha}';

describe('GitHub deployments: image rules, statuses posted back, replays and older deployments refused', () => {
  const e2e = useTestStack({ config, seed: 21 });
  let nextId = 1_000;

  /** GitHub's own payload (octokit's example) with this deployment's id, sha, environment and payload. */
  function deploymentBody(fields: { id?: number; sha: string; environment?: string; payload?: unknown }) {
    const body = readJsonVector<GithubPayload>('github_deployment_created.octokit.json');
    const id = fields.id ?? nextId++;
    Object.assign(body.deployment, {
      id,
      sha: fields.sha,
      environment: fields.environment ?? 'demo',
      payload: fields.payload ?? {},
    });
    return { id, body: JSON.stringify(body) };
  }
  const deliver = (body: string): Promise<LocalResponse> =>
    e2e.client.post('/webhooks/github', body, {
      'content-type': 'application/json',
      'x-github-event': 'deployment',
      // A fresh delivery id every time, as a replaying attacker would send: it must not matter.
      'x-github-delivery': randomUUID(),
      [GITHUB_SIGNATURE_HEADER]: signGithubPayload(e2e.stack.secrets.githubWebhookSecret, body),
    });
  const rolloutOf = (res: LocalResponse) => {
    const first = (res.body as { rollouts: { id: string; image: string | null }[] }).rollouts[0];
    if (!first) throw new Error(`no rollout in ${JSON.stringify(res.body)}`);
    return first;
  };
  const eventsOf = (id: string) => (e2e.stack.events?.events ?? []).filter((e) => e.detail.id === id);
  const statusesOf = (deploymentId: number) =>
    (e2e.stack.github?.statuses ?? []).filter((s) => s.deploymentId === deploymentId);

  it('rolls out payload.image, reports in_progress then success with a log_url and a short description', async () => {
    const { stack, clock, client } = e2e;
    const image = 'ghcr.io/stefanprodan/podinfo:6.5.1';
    const { id: deploymentId, body } = deploymentBody({ sha: 'a'.repeat(40), payload: { image } });
    const res = await deliver(body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const { id } = rolloutOf(res);
    expect(rolloutOf(res).image).toBe(image);
    expect(statusesOf(deploymentId).map((s) => s.state)).toEqual(['in_progress']);

    await tickUntil(stack, clock, client, id, ['awaiting_approval']);
    await client.command(id, { command: 'approve' });
    await tickUntil(stack, clock, client, id, ['succeeded']);
    expect(deploymentIn(stack, 'sim', 'podinfo-primary').image).toBe(image);
    const statuses = statusesOf(deploymentId);
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    for (const s of statuses) {
      expect(s).toMatchObject({
        repository: REPO,
        environment: 'demo',
      });
      // GitHub's "View deployment" opens the rollout's page through a signed view link.
      expect(s.logUrl?.startsWith(`${stack.url}/ui/rollouts/${id}?exp=`)).toBe(true);
      expect(s.description.length).toBeGreaterThan(0);
      expect(s.description.length).toBeLessThanOrEqual(140);
      expect(s.description).toContain(id);
    }
    expect(statuses[1]?.description).toMatch(/promoted/);
    expect(stack.github?.refused).toEqual([]);

    // Every transition went out on the default bus as "Aviary Rollout State Change".
    const events = eventsOf(id);
    expect(events.map((e) => [e.source, e.detailType, e.eventBusName])).toEqual(
      events.map(() => ['aviary', 'Aviary Rollout State Change', 'default']),
    );
    const phases = events.map((e) => `${e.detail.fromPhase}→${e.detail.toPhase}`);
    expect(phases[0]).toBe('pending→pending');
    expect(phases).toContain('awaiting_approval→promoting');
    expect(phases.at(-1)).toBe('promoting→succeeded');
    const last = events.at(-1)?.detail;
    expect(last).toMatchObject({
      id,
      target: 'podinfo',
      cluster: 'sim',
      revision: 'a'.repeat(40),
      image,
      weight: 0,
    });
    expect(last?.decision).toMatchObject({ action: 'complete', rule: 'promoted' });
    for (const e of events) expect(RolloutEventDetailSchema.safeParse(e.detail).success).toBe(true);
  });

  it('takes the image from the target imageTemplate; a bad build rolls back with a failure status naming why', async () => {
    const { stack, clock, client } = e2e;
    const { id: deploymentId, body } = deploymentBody({ sha: 'b'.repeat(40) });
    const res = await deliver(body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(rolloutOf(res).image).toBe(`ghcr.io/stefanprodan/podinfo:${'b'.repeat(40)}`);

    // A faulty build named in the payload supersedes it: the first deployment becomes inactive.
    const faulty = deploymentBody({
      sha: 'c'.repeat(40),
      payload: { image: 'ghcr.io/stefanprodan/podinfo:6.5.2-faulty' },
    });
    const second = await deliver(faulty.body);
    expect(second.status, JSON.stringify(second.body)).toBe(202);
    expect(statusesOf(deploymentId).map((s) => s.state)).toEqual(['in_progress', 'inactive']);
    expect(statusesOf(deploymentId)[1]?.description).toMatch(/superseded/);

    const { status } = await tickUntil(stack, clock, client, rolloutOf(second).id, ['failed', 'succeeded']);
    expect(status.phase).toBe('failed');
    const failed = statusesOf(faulty.id);
    expect(failed.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(failed[1]?.description).toMatch(/rolled back/);
    expect(failed[1]?.description.length).toBeLessThanOrEqual(140);

    const events = eventsOf(rolloutOf(second).id).map((e) => e.detail);
    const rollback = events.find((d) => d.toPhase === 'rolling_back');
    expect(rollback?.decision).toMatchObject({ action: 'rollback', rule: expect.stringMatching(/^judge\./) });
    expect(
      String((rollback?.decision as { reason?: string } | undefined)?.reason ?? '').length,
    ).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ fromPhase: 'rolling_back', toPhase: 'failed', weight: 0 });
    // The superseded rollout said so too.
    const superseded = (stack.events?.events ?? []).find(
      (e) => e.detail.id === rolloutOf(res).id && e.detail.toPhase === 'superseded',
    );
    expect(superseded?.detail.decision).toMatchObject({ action: 'supersede', rule: 'newer_revision' });
  });

  it('refuses a deployment whose image cannot be determined: 422 and a failure status, nothing rolled out', async () => {
    const { client, stack } = e2e;
    const before = ((await client.get('/rollouts?target=checkout')).body as { rollouts: RolloutStatus[] })
      .rollouts;
    const { id: deploymentId, body } = deploymentBody({ sha: 'd'.repeat(40), environment: 'checkout' });
    const res = await deliver(body);
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toMatch(/no image.*payload\.image.*imageTemplate/);
    expect(statusesOf(deploymentId).map((s) => s.state)).toEqual(['failure']);
    const after = ((await client.get('/rollouts?target=checkout')).body as { rollouts: RolloutStatus[] })
      .rollouts;
    expect(after).toEqual(before);
    // A payload image that is not an image reference is refused the same way.
    const bad = deploymentBody({
      sha: 'd'.repeat(40),
      environment: 'checkout',
      payload: { image: 'not an image' },
    });
    expect((await deliver(bad.body)).status).toBe(422);
    expect(stack.github?.refused).toEqual([]);
  });

  it('a replayed signed deployment (new delivery id) acts once; an older deployment never supersedes a newer one', async () => {
    const { client } = e2e;
    const older = deploymentBody({
      sha: 'e'.repeat(40),
      payload: { image: 'ghcr.io/stefanprodan/podinfo:6.5.3' },
    });
    const newer = deploymentBody({
      sha: 'f'.repeat(40),
      payload: { image: 'ghcr.io/stefanprodan/podinfo:6.5.4' },
    });
    const laterStill = deploymentBody({
      sha: '1'.repeat(40),
      payload: { image: 'ghcr.io/stefanprodan/podinfo:6.5.5' },
    });
    expect((await deliver(older.body)).status).toBe(202);
    const current = rolloutOf(await deliver(newer.body)).id;

    // The captured older delivery, replayed with a fresh X-GitHub-Delivery: answered, nothing started.
    const replay = await deliver(older.body);
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    expect(replay.body).toMatchObject({ rollouts: [{ created: false }] });
    expect((await statusOf(client, current)).phase).toBe('pending');

    // An older deployment GitHub never delivered before (out of order, or forged from an old capture): 409.
    const stale = deploymentBody({
      id: older.id - 500,
      sha: '2'.repeat(40),
      payload: { image: 'ghcr.io/stefanprodan/podinfo:6.0.0' },
    });
    const refused = await deliver(stale.body);
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toMatch(/older than deployment/);
    const latest = (
      (await client.get('/rollouts?target=podinfo&limit=1')).body as { rollouts: RolloutStatus[] }
    ).rollouts[0];
    expect(latest?.id).toBe(current);
    expect((await statusOf(client, current)).phase).toBe('pending');

    // The newest deployment itself, replayed: the same rollout; a genuinely newer one still supersedes.
    expect(rolloutOf(await deliver(newer.body))).toMatchObject({ id: current });
    const next = await deliver(laterStill.body);
    expect(next.status).toBe(202);
    expect((await statusOf(client, current)).phase).toBe('superseded');
  });
});

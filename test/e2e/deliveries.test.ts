import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../lib/engine/engine.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import type { EmbeddedStack } from '../../lib/local/embedded-stack.js';
import type { LocalClient, LocalResponse } from '../../lib/local/local-client.js';
import { TERMINAL_PHASES } from '../../lib/model/rollout.js';
import { GITHUB_SIGNATURE_HEADER, signGithubPayload } from '../../lib/signatures/github.js';
import type { SimulatedCluster } from '../../lib/sim/cluster/simulated-cluster.js';
import { SEED_IMAGE } from '../../lib/sim/cluster/target-objects.js';
import { readJsonVector, readVector } from '../support/vectors.js';
import { APPROVER, type FakeClock, STRANGER, startTestStack, statusOf, tickUntil } from './stack.js';

type DeploymentObject = {
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
};

type GithubPayload = Record<string, unknown> & {
  deployment: Record<string, unknown> & { sha: string; environment: string; creator: { login: string } };
};

const image = (tag: string) => `ghcr.io/stefanprodan/podinfo:${tag}`;

describe('deliveries: repeated, from GitHub, superseding, and operator commands from Slack', () => {
  let dynamo: DynamoDbLocal;
  let stack: EmbeddedStack;
  let clock: FakeClock;
  let client: LocalClient;
  let sim: SimulatedCluster;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  // A fresh stack (its own table and simulated clusters) per test, on the file's one DynamoDB Local.
  beforeEach(async () => {
    ({ stack, clock, client } = await startTestStack(dynamo, { seed: 5 }));
    const cluster = stack.clusters.get('sim');
    if (!cluster) throw new Error('no sim cluster');
    sim = cluster;
  });

  afterEach(async () => {
    await stack?.close();
  });

  const weights = () => sim.weightsOf(stack.target('podinfo'));
  const deployment = (name: string) =>
    sim.api.get('apps/v1', 'Deployment', 'demo', name) as DeploymentObject | undefined;
  const canaryImage = () => deployment('podinfo-canary')?.spec.template.spec.containers[0]?.image;

  async function listRollouts(target?: string): Promise<RolloutStatus[]> {
    const response = await client.get(target ? `/rollouts?target=${target}` : '/rollouts');
    expect(response.status).toBe(200);
    return (response.body as { rollouts: RolloutStatus[] }).rollouts;
  }
  const active = (rollouts: RolloutStatus[]) => rollouts.filter((r) => !TERMINAL_PHASES.includes(r.phase));

  async function deployed(request: Record<string, unknown>): Promise<string> {
    const response = await client.deploy(request);
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    return (response.body as { rollout: { id: string } }).rollout.id;
  }

  /** Ticks until the rollout holds `weight` as its intended canary weight (and returns its status). */
  async function tickToWeight(id: string, weight: number, maxTicks = 10): Promise<RolloutStatus> {
    for (let i = 0; i < maxTicks; i++) {
      clock.advance(30_000);
      await stack.tick();
      const status = await statusOf(client, id);
      if (status.phase === 'progressing' && status.canaryWeight === weight) return status;
      if (TERMINAL_PHASES.includes(status.phase)) break;
    }
    const status = await statusOf(client, id);
    throw new Error(`${id} did not reach ${weight}%: ${status.phase}@${status.canaryWeight}`);
  }

  function ephemeralText(response: LocalResponse): string {
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const body = response.body as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    return body.text;
  }

  it('the same deploy delivered twice is the same rollout, before and after it made progress', async () => {
    const request = { target: 'podinfo', revision: 'rev-651', image: image('6.5.1') };
    const first = await client.deploy(request);
    expect(first.status).toBe(202);
    const id = (first.body as { rollout: { id: string } }).rollout.id;
    expect(first.body).toMatchObject({
      rollout: { id, revision: 'rev-651', phase: 'pending' },
      created: true,
    });

    // An exact copy (same timestamp, body and signature) gets the first answer again and acts on nothing.
    const copy = await client.deploy(request);
    expect(copy.status).toBe(202);
    expect(copy.body).toEqual(first.body);
    // Announced again, signed a second later: the same rollout.
    clock.advance(1_000);
    const again = await client.deploy(request);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toEqual({
      rollout: { id, target: 'podinfo', revision: 'rev-651', phase: 'pending' },
      created: false,
    });
    expect((await listRollouts('podinfo')).map((r) => r.id)).toEqual([id]);
    expect((await statusOf(client, id)).history.map((d) => d.action)).toEqual(['start']);
    expect(stack.slack?.messages).toHaveLength(1);

    // Redelivered once the rollout is under way: still the same rollout, its progress untouched.
    const progressing = await tickToWeight(id, 10);
    const redelivered = await client.deploy({ ...request, actor: 'ci-retry' });
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toMatchObject({ rollout: { id, phase: 'progressing' }, created: false });
    const after = await statusOf(client, id);
    expect(after.canaryWeight).toBe(10);
    expect(after.history).toHaveLength(progressing.history.length);
    expect(await listRollouts()).toHaveLength(1);
    expect(weights()).toEqual({ primary: 90, canary: 10 });

    // The same revision with another image is refused, not silently folded into the running rollout.
    const retagged = await client.deploy({ ...request, image: image('6.5.1-rebuilt') });
    expect(retagged.status).toBe(409);
    expect(JSON.stringify(retagged.body)).toContain('announce a new revision');
    expect(await listRollouts()).toHaveLength(1);
    expect((await statusOf(client, id)).image).toBe(image('6.5.1'));
  });

  describe('GitHub deployment events', () => {
    /** GitHub's own payload (octokit's example), for the `demo` environment that maps to podinfo. */
    const deploymentEvent = (environment = 'demo'): { body: string; payload: GithubPayload } => {
      const payload = readJsonVector<GithubPayload>('github_deployment_created.octokit.json');
      payload.deployment.environment = environment;
      payload.deployment.payload = { image: image('6.5.1') };
      return { body: JSON.stringify(payload), payload };
    };
    const deliver = (body: string, event = 'deployment', delivery: string = randomUUID()) =>
      client.post('/webhooks/github', body, {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/044aadd',
        'x-github-event': event,
        'x-github-delivery': delivery,
        [GITHUB_SIGNATURE_HEADER]: signGithubPayload(stack.secrets.githubWebhookSecret, body),
      });

    it('a signed `deployment` event for environment demo starts a podinfo rollout of its sha', async () => {
      const { body, payload } = deploymentEvent();
      const sha = payload.deployment.sha;
      const delivery = randomUUID();
      const response = await deliver(body, 'deployment', delivery);
      expect(response.status, JSON.stringify(response.body)).toBe(202);
      const { rollouts } = response.body as { rollouts: { id: string; target: string; created: boolean }[] };
      expect(rollouts).toHaveLength(1);
      expect(rollouts[0]).toMatchObject({
        target: 'podinfo',
        revision: sha,
        phase: 'pending',
        created: true,
      });
      const id = rollouts[0]?.id ?? '';

      const status = await statusOf(client, id);
      expect(status).toMatchObject({
        target: 'podinfo',
        cluster: 'sim',
        revision: sha,
        image: image('6.5.1'),
      });
      const start = status.history[0];
      expect(start?.action).toBe('start');
      expect(start?.actor).toBe(payload.deployment.creator.login);
      expect(start?.reason).toMatch(/\(github\)/);

      // GitHub redelivers (same delivery, same body): the same rollout, nothing new.
      const redelivered = await deliver(body, 'deployment', delivery);
      expect(redelivered.status).toBe(200);
      expect(redelivered.body).toMatchObject({ rollouts: [{ id, created: false }] });
      expect((await listRollouts()).map((r) => r.id)).toEqual([id]);

      // The image the deployment named is rolled out (never whatever the canary ran last), and traffic moves.
      await tickToWeight(id, 10);
      expect(weights()).toEqual({ primary: 90, canary: 10 });
      expect(canaryImage()).toBe(image('6.5.1'));
      expect(canaryImage()).not.toBe(SEED_IMAGE);
      expect(deployment('podinfo-canary')?.spec.replicas).toBeGreaterThan(0);
    });

    // GitHub signs no timestamp: a captured delivery stays valid forever, so the delivery id is what bounds replays.
    it('a replayed older delivery (same X-GitHub-Delivery, hours later) does not supersede the newer rollout', async () => {
      const older = deploymentEvent();
      const olderDelivery = randomUUID();
      expect((await deliver(older.body, 'deployment', olderDelivery)).status).toBe(202);
      clock.advance(60 * 60 * 1000);
      const newer = deploymentEvent();
      newer.payload.deployment.sha = 'b'.repeat(40);
      newer.payload.deployment.id = Number(older.payload.deployment.id) + 1;
      const started = await deliver(JSON.stringify(newer.payload));
      expect(started.status).toBe(202);
      const newerId = (started.body as { rollouts: { id: string }[] }).rollouts[0]?.id;

      clock.advance(60 * 60 * 1000);
      const replay = await deliver(older.body, 'deployment', olderDelivery);
      // Expected: recognised as the same delivery, nothing new started.
      expect(replay.status, JSON.stringify(replay.body)).toBe(200);
      const rollouts = await listRollouts('podinfo');
      expect(rollouts).toHaveLength(2);
      expect(active(rollouts).map((r) => r.id)).toEqual([newerId]);
    });

    it.each([
      {
        name: 'a deployment for an environment no target maps to (the vector as published)',
        event: 'deployment',
        body: () => readVector('github_deployment_created.octokit.json'),
        status: 202,
        answer: { ignored: true, reason: 'no target is mapped to GitHub environment "production"' },
      },
      {
        name: 'a deployment_status event',
        event: 'deployment_status',
        body: () => readVector('github_deployment_status_created.octokit.json'),
        status: 202,
        answer: { ignored: true, reason: expect.stringMatching(/event "deployment_status" is not handled/) },
      },
      {
        name: 'a ping',
        event: 'ping',
        body: () => JSON.stringify({ zen: 'Design for failure.', hook_id: 1 }),
        status: 200,
        answer: { ok: true, event: 'ping' },
      },
      {
        name: 'a deployment with action other than created',
        event: 'deployment',
        body: () => {
          const { payload } = deploymentEvent();
          return JSON.stringify({ ...payload, action: 'deleted' });
        },
        status: 202,
        answer: { ignored: true, reason: 'deployment action "deleted" is not handled' },
      },
    ])(
      '$name is acknowledged ($status) and starts nothing',
      async ({ event, body, status, answer }) => {
        const response = await deliver(body(), event);
        expect(response.status, JSON.stringify(response.body)).toBe(status);
        expect(response.body).toEqual(answer);
        expect(await listRollouts()).toEqual([]);
        expect(stack.slack?.calls).toEqual([]);
      },
      120_000,
    );
  });

  it('a new revision while one is progressing supersedes it; the cluster converges on the new one', async () => {
    const oldId = await deployed({ target: 'podinfo', revision: 'rev-651', image: image('6.5.1') });
    await tickToWeight(oldId, 25);
    expect(weights()).toEqual({ primary: 75, canary: 25 });
    expect(canaryImage()).toBe(image('6.5.1'));

    const response = await client.deploy({ target: 'podinfo', revision: 'rev-652', image: image('6.5.2') });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    const newId = (response.body as { rollout: { id: string } }).rollout.id;
    expect(newId).not.toBe(oldId);
    expect(response.body).toMatchObject({ rollout: { phase: 'pending' }, created: true, superseded: oldId });

    const old = await statusOf(client, oldId);
    expect(old).toMatchObject({ phase: 'superseded', canaryWeight: 0, reason: `superseded by ${newId}` });
    expect(old.lastDecision).toMatchObject({ action: 'supersede', rule: 'newer_revision', weight: 25 });
    const oldHistory = old.history.length;
    let rollouts = await listRollouts('podinfo');
    expect(rollouts.map((r) => [r.id, r.phase])).toEqual([
      [newId, 'pending'],
      [oldId, 'superseded'],
    ]);
    expect(active(rollouts).map((r) => r.id)).toEqual([newId]);
    // The old rollout's Slack message says so, in place.
    expect(stack.slack?.messages[0]?.text).toMatch(/superseded/);

    // What the engine does: the first tick takes the traffic back to the primary and rolls the new image into
    // the canary; once the canary is available the new rollout starts again from the first step.
    clock.advance(30_000);
    await stack.tick();
    expect(weights()).toEqual({ primary: 100, canary: 0 });
    expect(canaryImage()).toBe(image('6.5.2'));
    expect((await statusOf(client, newId)).phase).toBe('pending');

    const next = await tickToWeight(newId, 10);
    expect(next.stepIndex).toBe(0);
    expect(weights()).toEqual({ primary: 90, canary: 10 });
    rollouts = await listRollouts('podinfo');
    expect(active(rollouts).map((r) => r.id)).toEqual([newId]);
    // Ticks leave the superseded rollout alone.
    const oldAfter = await statusOf(client, oldId);
    expect(oldAfter.phase).toBe('superseded');
    expect(oldAfter.history).toHaveLength(oldHistory);
  });

  it('`/aviary status`, `pause` and `resume` by an approver: paused ticks move nothing, resumed ones do', async () => {
    const id = await deployed({ target: 'podinfo', revision: 'rev-651', image: image('6.5.1') });
    await tickToWeight(id, 10);

    const status = ephemeralText(await client.slash('status podinfo', APPROVER));
    expect(status).toContain(`\`${id}\` podinfo \`rev-651\`: *progressing*, canary 10% (step 1/3)`);

    // A stranger cannot pause it.
    const refused = await client.slash(`pause ${id}`, STRANGER);
    expect(refused.status).toBe(403);
    expect((await statusOf(client, id)).phase).toBe('progressing');

    const paused = ephemeralText(await client.slash(`pause ${id} checking dashboards`, APPROVER));
    expect(paused).toBe(`paused by ${APPROVER}: checking dashboards (\`${id}\` is now *paused*)`);
    const atPause = await statusOf(client, id);
    expect(atPause).toMatchObject({ phase: 'paused', canaryWeight: 10, stepIndex: 0 });
    expect(atPause.lastDecision).toMatchObject({ action: 'pause', actor: APPROVER });
    expect(ephemeralText(await client.slash(`status ${id}`, APPROVER))).toContain('*paused*, canary 10%');

    // Well past several analysis intervals: nothing moves while paused.
    for (let i = 0; i < 4; i++) {
      clock.advance(30_000);
      const summary = await stack.tick();
      expect(summary.rollouts).toEqual([{ id, phase: 'paused', action: 'none' }]);
      expect(weights()).toEqual({ primary: 90, canary: 10 });
    }
    const stillPaused = await statusOf(client, id);
    expect(stillPaused).toMatchObject({ phase: 'paused', canaryWeight: 10, stepIndex: 0 });
    expect(stillPaused.history).toHaveLength(atPause.history.length);

    const resumed = ephemeralText(await client.slash(`resume ${id}`, APPROVER));
    expect(resumed).toBe(`resumed by ${APPROVER} (\`${id}\` is now *progressing*)`);
    expect((await statusOf(client, id)).lastDecision).toMatchObject({ action: 'resume', actor: APPROVER });
    const moved = await tickToWeight(id, 25);
    expect(moved.stepIndex).toBe(1);
    expect(weights()).toEqual({ primary: 75, canary: 25 });
  });

  it('`/aviary abort podinfo` rolls the canary back: failed, 100/0, canary scaled to zero', async () => {
    const id = await deployed({ target: 'podinfo', revision: 'rev-651', image: image('6.5.1') });
    await tickToWeight(id, 25);
    expect(weights()).toEqual({ primary: 75, canary: 25 });

    // By target name: the target's active rollout.
    const aborted = ephemeralText(await client.slash('abort podinfo bad dashboards', APPROVER));
    expect(aborted).toBe(`aborted by ${APPROVER}: bad dashboards (\`${id}\` is now *rolling_back*)`);

    const { status } = await tickUntil(stack, clock, client, id, ['failed', 'succeeded'], 10);
    expect(status.phase).toBe('failed');
    expect(status.reason).toBe(`aborted by ${APPROVER}: bad dashboards`);
    expect(status.history.find((d) => d.action === 'abort')).toMatchObject({
      actor: APPROVER,
      rule: 'aborted',
    });
    expect(weights()).toEqual({ primary: 100, canary: 0 });
    expect(deployment('podinfo-canary')?.spec.replicas).toBe(0);
    expect(deployment('podinfo-primary')?.spec.template.spec.containers[0]?.image).toBe(SEED_IMAGE);
    expect(active(await listRollouts())).toEqual([]);

    // A finished rollout cannot be aborted again.
    const again = await client.slash(`abort ${id}`, APPROVER);
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toMatch(/is failed; nothing to abort/);
  });
});

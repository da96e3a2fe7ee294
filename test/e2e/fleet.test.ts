import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../lib/cli/cli-context.js';
import { run as getCli } from '../../lib/cli/get.js';
import { runCommand } from '../../lib/cli/rollout-command.js';
import type { FleetRolloutStatus, RolloutStatus } from '../../lib/engine/engine.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import type { EmbeddedStack } from '../../lib/local/embedded-stack.js';
import { approvalButtonFor, type LocalClient } from '../../lib/local/local-client.js';
import { writeLocalSession } from '../../lib/local/local-session.js';
import { type AviaryConfig, AviaryConfigSchema } from '../../lib/model/config.js';
import type { Weights } from '../../lib/model/observation.js';
import { APPROVER, type FakeClock, START, STRANGER, startTestStack } from './stack.js';

const MIN = 60_000;
const image = (tag: string) => `ghcr.io/stefanprodan/podinfo:${tag}`;
const PROD = ['podinfo-prod-eu', 'podinfo-prod-us'] as const;

const target = (cluster: string) => ({
  cluster,
  namespace: 'demo',
  service: 'podinfo',
  primary: { service: 'podinfo-primary', deployment: 'podinfo-primary' },
  canary: { service: 'podinfo-canary', deployment: 'podinfo-canary' },
  policy: 'fleet',
  approvers: [APPROVER],
  slackChannel: 'C0DEPLOYS',
});

/** Three simulated clusters, the fleet of the issue: staging, bake 10 min; then both production clusters after approval. */
function fleetConfig(extra: Record<string, unknown> = {}): AviaryConfig {
  const cluster = {
    kind: 'simulated',
    requestsPerSecond: 200,
    faultyErrorRate: 0.1,
    deploymentRolloutSeconds: 0,
  };
  return AviaryConfigSchema.parse({
    clusters: { staging: cluster, 'prod-eu': cluster, 'prod-us': cluster },
    slack: { teamId: 'T0AVIARY', appId: 'A0AVIARY' },
    policies: {
      fleet: {
        stepWeights: [20, 50],
        intervalSeconds: 30,
        progressDeadlineSeconds: 600,
        checks: { minSuccessRate: 95, maxP99LatencyMs: 500, minRequests: 20 },
        approval: { beforePromotion: false },
      },
    },
    targets: {
      'podinfo-staging': target('staging'),
      'podinfo-prod-eu': target('prod-eu'),
      'podinfo-prod-us': target('prod-us'),
    },
    fleets: {
      podinfo: {
        waves: [
          { targets: ['podinfo-staging'], bakeSeconds: 600 },
          { targets: ['podinfo-prod-eu', 'podinfo-prod-us'], approval: true },
        ],
        slackChannel: 'C0FLEET',
      },
    },
    ...extra,
  });
}

describe('fleet rollouts in waves across three simulated clusters', () => {
  let dynamo: DynamoDbLocal;
  let stack: EmbeddedStack;
  let clock: FakeClock;
  let client: LocalClient;

  const dir = mkdtempSync(path.join(tmpdir(), 'aviary-fleet-'));
  const session = path.join(dir, 'session.json');

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
  });
  afterAll(async () => {
    await dynamo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await stack?.close();
  });

  async function setUp(config: AviaryConfig): Promise<void> {
    ({ stack, clock, client } = await startTestStack(dynamo, { config, seed: 21 }));
    writeLocalSession(
      {
        url: stack.url,
        pid: process.pid,
        deploySecret: stack.secrets.deploySecret,
        slackSigningSecret: stack.secrets.slackSigningSecret,
        githubWebhookSecret: stack.secrets.githubWebhookSecret,
        kubeconfig: null,
      },
      session,
    );
  }
  /** The CLI in-process against this stack, on its clock. */
  function cliContext(): CliContext & { stdout: () => string; stderr: () => string } {
    let out = '';
    let err = '';
    return {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      env: { AVIARY_SESSION_FILE: session },
      clock: clock.now,
      sleep: async (ms) => {
        clock.advance(ms);
        await stack.tick();
      },
      isTTY: false,
      stdout: () => out,
      stderr: () => err,
    };
  }
  const weightsOf = (name: string): Weights => {
    const t = stack.target(name);
    const cluster = stack.clusters.get(t.cluster);
    if (!cluster) throw new Error(`no cluster ${t.cluster}`);
    return cluster.weightsOf(t);
  };
  /** Router writes (TrafficSplit PUT/PATCH) a cluster has received. */
  const splitWrites = (cluster: string): number =>
    (stack.clusters.get(cluster)?.api.requests ?? []).filter(
      (r) => (r.method === 'PUT' || r.method === 'PATCH') && r.path.includes('/trafficsplits/'),
    ).length;

  async function fleetStatus(id: string): Promise<FleetRolloutStatus> {
    const response = await client.get(`/rollouts/${id}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as FleetRolloutStatus;
  }
  async function deployFleet(revision: string, tag: string): Promise<string> {
    const response = await client.deploy({ target: 'podinfo', revision, image: image(tag) });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    expect(response.body).toMatchObject({ rollout: { kind: 'fleet', target: 'podinfo', revision } });
    return (response.body as { rollout: { id: string } }).rollout.id;
  }
  /** One analysis interval per tick until `done`; `each` sees every tick. */
  async function tickUntil(
    id: string,
    done: (fleet: FleetRolloutStatus) => boolean,
    each: (fleet: FleetRolloutStatus) => void | Promise<void> = () => {},
    maxTicks = 40,
  ): Promise<FleetRolloutStatus> {
    const seen: string[] = [];
    for (let i = 0; i < maxTicks; i++) {
      clock.advance(30_000);
      await stack.tick();
      const fleet = await fleetStatus(id);
      const label = `${fleet.phase}:${fleet.waves.map((w) => w.status).join('/')}`;
      if (seen.at(-1) !== label) seen.push(label);
      await each(fleet);
      if (done(fleet)) return fleet;
    }
    throw new Error(`fleet ${id} not done in ${maxTicks} ticks: ${seen.join(' → ')}`);
  }

  it('staging promotes, bakes, asks for approval; the production wave runs both clusters at once', async () => {
    await setUp(fleetConfig());
    const id = await deployFleet('rev-651', '6.5.1');
    let fleet = await fleetStatus(id);
    expect(fleet).toMatchObject({ kind: 'fleet', fleet: 'podinfo', phase: 'progressing', wave: 1 });
    expect(fleet.waves.map((w) => w.status)).toEqual(['running', 'waiting']);
    const stagingId = fleet.waves[0]?.targets[0]?.rollout;
    expect(stagingId).toBe('podinfo-staging-1');

    // Wave 1 runs; production is not touched while it does.
    fleet = await tickUntil(
      id,
      (f) => f.waves[0]?.status === 'baking',
      () => {
        for (const t of PROD) expect(weightsOf(t)).toEqual({ primary: 100, canary: 0 });
      },
    );
    const staging = (await client.rollout(stagingId as string)) as RolloutStatus;
    expect(staging).toMatchObject({ phase: 'succeeded', fleet: { id, wave: 1 } });
    const promotedAt = Date.parse(fleet.waves[0]?.promotedAt as string);
    expect(fleet.waves[0]?.bakeUntil).toBe(new Date(promotedAt + 600_000).toISOString());

    // Baking: ten minutes of ticks start nothing.
    fleet = await tickUntil(
      id,
      (f) => f.phase === 'awaiting_approval',
      (f) => {
        if (clock.now() < promotedAt + 600_000)
          expect(f.waves.map((w) => w.status)).toEqual(['baking', 'waiting']);
        for (const t of PROD) expect(weightsOf(t)).toEqual({ primary: 100, canary: 0 });
      },
    );
    expect(clock.now()).toBeGreaterThanOrEqual(promotedAt + 600_000);
    expect(fleet.waves.map((w) => w.status)).toEqual(['succeeded', 'awaiting_approval']);
    expect(fleet.waves[1]?.targets.map((t) => t.rollout)).toEqual([null, null]);

    // One Slack message for the fleet, updated in place, with a row per wave and the wave's approval button.
    const fleetMessages = stack.slack?.messages.filter((m) => m.channel === 'C0FLEET') ?? [];
    expect(fleetMessages).toHaveLength(1);
    expect(fleetMessages[0]?.updates).toBeGreaterThan(1);
    expect(JSON.stringify(fleetMessages[0]?.blocks)).toContain('Wave 2');
    const button = approvalButtonFor(fleetMessages, id);
    expect(button).toEqual({ rolloutId: id, revision: 'rev-651', gate: 'wave:2' });
    if (!button) throw new Error('no approval button');

    // Only approvers: a stranger's click is refused and changes nothing.
    expect((await client.click(button, STRANGER, 'approve')).status).toBe(403);
    expect((await fleetStatus(id)).phase).toBe('awaiting_approval');
    expect((await client.click(button, APPROVER, 'approve')).status).toBe(200);
    fleet = await fleetStatus(id);
    expect(fleet.phase).toBe('progressing');
    expect(fleet.waves[1]?.approvedBy?.actor).toBe(APPROVER);
    expect(fleet.waves[1]?.targets.map((t) => t.rollout)).toEqual(['podinfo-prod-eu-1', 'podinfo-prod-us-1']);

    // Both production clusters move together: at some tick both carry canary traffic at the same time.
    let together = false;
    fleet = await tickUntil(
      id,
      (f) => f.phase === 'succeeded',
      () => {
        together ||= PROD.every((t) => weightsOf(t).canary > 0);
      },
    );
    expect(together).toBe(true);
    expect(fleet.waves.map((w) => w.status)).toEqual(['succeeded', 'succeeded']);
    for (const t of PROD) expect(weightsOf(t)).toEqual({ primary: 100, canary: 0 });
    expect(fleet.history.map((d) => d.action)).toEqual([
      'start',
      'start_wave',
      'bake',
      'request_approval',
      'approve',
      'complete',
    ]);
  });

  it('a faulty revision in wave 1 stops the fleet rollout; wave 2 is never started and its weights never change', async () => {
    await setUp(fleetConfig());
    const writesBefore = { eu: splitWrites('prod-eu'), us: splitWrites('prod-us') };
    const id = await deployFleet('rev-652', '6.5.2-faulty');
    const fleet = await tickUntil(
      id,
      (f) => f.phase === 'failed',
      () => {
        for (const t of PROD) expect(weightsOf(t)).toEqual({ primary: 100, canary: 0 });
      },
    );
    expect(fleet.waves.map((w) => w.status)).toEqual(['failed', 'skipped']);
    expect(fleet.reason).toMatch(/podinfo-staging-1 on podinfo-staging failed/);
    expect(fleet.waves[1]?.targets.map((t) => t.rollout)).toEqual([null, null]);
    // More time passes: nothing starts, nothing is written to the production routers.
    for (let i = 0; i < 25; i++) {
      clock.advance(MIN);
      await stack.tick();
    }
    expect((await fleetStatus(id)).phase).toBe('failed');
    expect({ eu: splitWrites('prod-eu'), us: splitWrites('prod-us') }).toEqual(writesBefore);
    const listed = (await client.get('/rollouts')).body as { rollouts: RolloutStatus[] };
    expect(listed.rollouts.map((r) => r.target)).toEqual(['podinfo-staging']);
  });

  it('a freeze holds the staging rollout in pending with its reason, then releases it; an approver can override', async () => {
    await setUp(
      fleetConfig({
        freezes: [
          {
            name: 'quarter-close',
            from: new Date(START).toISOString(),
            to: new Date(START + 20 * MIN).toISOString(),
            targets: ['podinfo-staging'],
            reason: 'finance quarter close',
          },
          {
            name: 'eu-peak',
            from: new Date(START).toISOString(),
            to: new Date(START + 24 * 60 * MIN).toISOString(),
            targets: ['podinfo-prod-eu'],
            reason: 'EU peak traffic',
          },
        ],
      }),
    );
    const id = await deployFleet('rev-651', '6.5.1');
    const stagingId = 'podinfo-staging-1';
    // The deploy event was accepted and recorded; the rollout waits in pending with rule freeze and the reason.
    for (let i = 0; i < 10; i++) {
      clock.advance(MIN);
      await stack.tick();
      const staging = await client.rollout(stagingId);
      expect(staging).toMatchObject({ phase: 'pending', canaryWeight: 0 });
      expect(weightsOf('podinfo-staging')).toEqual({ primary: 100, canary: 0 });
    }
    let staging = await client.rollout(stagingId);
    expect(staging.lastDecision).toMatchObject({
      rule: 'freeze',
      reason: expect.stringContaining('finance quarter close'),
    });
    expect(staging.freezes?.map((f) => f.name)).toEqual(['quarter-close']);
    expect(staging.history.filter((d) => d.rule === 'freeze')).toHaveLength(1);

    // The freeze ends at START + 20 min: the rollout starts and the fleet goes on to the approval.
    clock.advance(11 * MIN);
    let fleet = await tickUntil(id, (f) => f.phase === 'awaiting_approval', undefined, 60);
    staging = await client.rollout(stagingId);
    expect(staging.phase).toBe('succeeded');
    expect(staging.history.map((d) => d.rule)).toContain('freeze_ended');

    // Wave 2: prod-us goes, prod-eu is frozen for the day and holds, both shown in the fleet's status.
    expect((await client.slash(`approve ${id}`, APPROVER)).status).toBe(200);
    fleet = await tickUntil(
      id,
      (f) => f.waves[1]?.targets[1]?.phase === 'succeeded',
      () => {
        expect(weightsOf('podinfo-prod-eu')).toEqual({ primary: 100, canary: 0 });
      },
    );
    expect(fleet.waves[1]?.targets[0]).toMatchObject({
      target: 'podinfo-prod-eu',
      phase: 'pending',
      freezes: [expect.objectContaining({ name: 'eu-peak', reason: 'EU peak traffic' })],
    });

    // An override needs a reason and an approver; then it is audited and the rollout goes on.
    const euId = fleet.waves[1]?.targets[0]?.rollout as string;
    const noReason = await client.slash(`unfreeze ${euId}`, APPROVER);
    expect(JSON.stringify(noReason.body)).toContain('needs a reason');
    expect((await client.slash(`unfreeze ${euId} hotfix for checkout`, STRANGER)).status).toBe(403);
    // The API (through the CLI): a reason is required there too, then the override is recorded with the caller.
    const noApiReason = await client.post(
      `/rollouts/${euId}/commands`,
      JSON.stringify({ command: 'unfreeze' }),
      {
        'content-type': 'application/json',
      },
    );
    expect(noApiReason.status).toBe(422);
    const ctx = cliContext();
    expect(await runCommand('unfreeze', [euId], ctx)).toBe(2);
    expect(ctx.stderr()).toContain('give --reason');
    expect(await runCommand('unfreeze', [euId, '--reason', 'hotfix for checkout'], ctx), ctx.stderr()).toBe(
      0,
    );
    const eu = await client.rollout(euId);
    expect(eu.freezeOverride).toMatchObject({ reason: 'hotfix for checkout' });
    expect(eu.history.find((d) => d.action === 'unfreeze')).toMatchObject({
      actor: eu.freezeOverride?.actor,
      reason: expect.stringContaining('hotfix for checkout'),
    });
    // And `aviary get rollout` shows the fleet rollout by wave, with the freeze lifted on prod-eu.
    const show = cliContext();
    expect(await getCli(['rollout', id], show), show.stderr()).toBe(0);
    expect(show.stdout()).toContain(`Name:       ${id} (fleet podinfo)`);
    expect(show.stdout()).toMatch(/▶ 2 {2}running/);
    expect(show.stdout()).toMatch(/podinfo-prod-eu .*frozen: eu-peak \(EU peak traffic\)/);
    // /aviary status names the fleet rollout, a line per wave; the override shows as lifted.
    const status = await client.slash('status podinfo', APPROVER);
    expect(JSON.stringify(status.body)).toMatch(/podinfo-1.{1,4} fleet podinfo.*wave 2 running/);
    fleet = await tickUntil(id, (f) => f.phase === 'succeeded');
    expect(fleet.waves.map((w) => w.status)).toEqual(['succeeded', 'succeeded']);
  });
});

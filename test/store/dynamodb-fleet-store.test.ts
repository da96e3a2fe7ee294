import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newFleetRollout, supersedeFleet } from '../../lib/core/fleet-start.js';
import { ConflictError } from '../../lib/errors.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { WaveSchema } from '../../lib/model/fleet.js';
import type { FleetRollout } from '../../lib/model/fleet-rollout.js';
import { DynamoDbFleetStore } from '../../lib/store/dynamodb-fleet-store.js';
import { DynamoDbRolloutStore } from '../../lib/store/dynamodb-store.js';
import { pendingRollout, startDecision, T0 } from './rollout-fixtures.js';

let db: DynamoDbLocal;
let tables = 0;

beforeAll(async () => {
  db = await startDynamoDbLocal();
});
afterAll(async () => {
  await db?.stop();
});

async function fresh() {
  const tableName = `fleets-${++tables}`;
  await db.createTable(tableName);
  return {
    fleets: new DynamoDbFleetStore({ client: db.doc, tableName }),
    rollouts: new DynamoDbRolloutStore({ client: db.doc, tableName }),
  };
}

const fleetRollout = (seq: number, revision: string, now = T0) =>
  newFleetRollout({
    id: `podinfo-${seq}`,
    fleet: {
      name: 'podinfo',
      waves: [
        WaveSchema.parse({ targets: ['staging'] }),
        WaveSchema.parse({ targets: ['eu', 'us'], approval: true }),
      ],
      rollbackPromotedWaves: false,
      approvers: [],
      githubEnvironments: [],
    },
    revision,
    image: `podinfo:${revision}`,
    source: { kind: 'webhook', deliveryId: `d-${seq}` },
    now,
  });

const bumped = (f: FleetRollout, patch: Partial<FleetRollout> = {}): FleetRollout => ({
  ...f,
  ...patch,
  version: f.version + 1,
  updatedAt: f.updatedAt + 1,
});

describe('DynamoDbFleetStore', () => {
  it('creates a fleet rollout with its head, delivery and first decision; reads it back', async () => {
    const { fleets } = await fresh();
    const first = fleetRollout(1, 'r1');
    await fleets.createFleetRollout({
      fleetRollout: first.fleet,
      head: null,
      decisions: [first.decision],
      delivery: 'webhook:d-1',
    });
    expect(await fleets.getFleetRollout('podinfo-1')).toEqual(first.fleet);
    expect(await fleets.getFleetHead('podinfo')).toEqual({
      fleet: 'podinfo',
      activeRolloutId: 'podinfo-1',
      latestRolloutId: 'podinfo-1',
      latestRevision: 'r1',
      seq: 1,
      version: 1,
    });
    expect(await fleets.findFleetDelivery('webhook:d-1')).toBe('podinfo-1');
    expect(await fleets.listFleetDecisions('podinfo-1')).toEqual([first.decision]);
    expect((await fleets.listActiveFleetRollouts()).map((f) => f.id)).toEqual(['podinfo-1']);
  });

  it('writes conditionally on the version: a stale save changes nothing', async () => {
    const { fleets } = await fresh();
    const first = fleetRollout(1, 'r1');
    await fleets.createFleetRollout({ fleetRollout: first.fleet, head: null, decisions: [first.decision] });
    const v2 = bumped(first.fleet, { waveIndex: 0, reason: 'one' });
    await fleets.saveFleetRollout(v2);
    await expect(fleets.saveFleetRollout(bumped(first.fleet, { reason: 'stale' }))).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect((await fleets.getFleetRollout('podinfo-1'))?.reason).toBe('one');
    // Skipping a version is a conflict too.
    await expect(fleets.saveFleetRollout(bumped(bumped(v2)))).rejects.toBeInstanceOf(ConflictError);
  });

  it('a second create on the same head loses the race; a delivery seen before is refused', async () => {
    const { fleets } = await fresh();
    const first = fleetRollout(1, 'r1');
    await fleets.createFleetRollout({
      fleetRollout: first.fleet,
      head: null,
      decisions: [first.decision],
      delivery: 'webhook:d',
    });
    const again = fleetRollout(1, 'r2');
    await expect(
      fleets.createFleetRollout({ fleetRollout: again.fleet, head: null, decisions: [again.decision] }),
    ).rejects.toBeInstanceOf(ConflictError);
    const head = await fleets.getFleetHead('podinfo');
    const second = fleetRollout(2, 'r2', T0 + 1000);
    const replaced = supersedeFleet(first.fleet, 'podinfo-2', [], T0 + 1000);
    await expect(
      fleets.createFleetRollout({
        fleetRollout: second.fleet,
        head,
        superseded: replaced.fleet,
        decisions: [replaced.decision, second.decision],
        delivery: 'webhook:d',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await fleets.getFleetRollout('podinfo-2')).toBeNull();
  });

  it('supersedes: the old one leaves the active list, the head moves, each history gets its decision', async () => {
    const { fleets, rollouts } = await fresh();
    const first = fleetRollout(1, 'r1');
    await fleets.createFleetRollout({ fleetRollout: first.fleet, head: null, decisions: [first.decision] });
    // A rollout in the same table is not a fleet rollout, and the other way round.
    const rollout = pendingRollout('staging', 1, 'r1');
    await rollouts.createRollout({ rollout, head: null, decisions: [startDecision(T0, 'r1')] });
    const second = fleetRollout(2, 'r2', T0 + 1000);
    const replaced = supersedeFleet(first.fleet, 'podinfo-2', [], T0 + 1000);
    await fleets.createFleetRollout({
      fleetRollout: second.fleet,
      head: await fleets.getFleetHead('podinfo'),
      superseded: replaced.fleet,
      decisions: [replaced.decision, second.decision],
    });
    expect((await fleets.listActiveFleetRollouts()).map((f) => f.id)).toEqual(['podinfo-2']);
    expect((await rollouts.listActive()).map((r) => r.id)).toEqual(['staging-1']);
    expect((await fleets.listFleetRollouts({ fleet: 'podinfo' })).map((f) => [f.id, f.phase])).toEqual([
      ['podinfo-2', 'progressing'],
      ['podinfo-1', 'superseded'],
    ]);
    expect((await rollouts.listRollouts()).map((r) => r.id)).toEqual(['staging-1']);
    expect((await fleets.listFleetDecisions('podinfo-1')).map((d) => d.action)).toEqual([
      'start',
      'supersede',
    ]);
    expect((await fleets.listFleetDecisions('podinfo-2')).map((d) => d.action)).toEqual(['start']);
    expect(await fleets.getFleetRollout('staging-1')).toBeNull();
    expect(await rollouts.getRollout('podinfo-2')).toBeNull();
  });

  it('clears the head when the fleet rollout ends', async () => {
    const { fleets } = await fresh();
    const first = fleetRollout(1, 'r1');
    await fleets.createFleetRollout({ fleetRollout: first.fleet, head: null, decisions: [first.decision] });
    await fleets.saveFleetRollout(bumped(first.fleet, { phase: 'failed', reason: 'staging failed' }));
    expect(await fleets.getFleetHead('podinfo')).toMatchObject({
      activeRolloutId: null,
      latestRolloutId: 'podinfo-1',
    });
    expect(await fleets.listActiveFleetRollouts()).toEqual([]);
  });

  it('refuses an invalid fleet rollout before writing', async () => {
    const { fleets } = await fresh();
    const first = fleetRollout(1, 'r1');
    const broken = { ...first.fleet, waves: [] } as FleetRollout;
    await expect(
      fleets.createFleetRollout({ fleetRollout: broken, head: null, decisions: [] }),
    ).rejects.toThrow(/waves/);
  });
});

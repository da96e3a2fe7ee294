import { fleetApprovers, resolveFleet } from '../config/config-lookup.js';
import type { FleetRolloutStatus } from '../engine/engine.js';
import { SEED_IMAGE } from '../sim/cluster/target-objects.js';
import { abortableSleep as sleep } from './abortable-sleep.js';
import type { EmbeddedStack } from './embedded-stack.js';
import { approvalButtonFor, type LocalClient } from './local-client.js';

export interface FleetDemoOptions {
  stack: EmbeddedStack;
  client: LocalClient;
  fleet: string;
  write: (line: string) => void;
  pollMs?: number;
  /** Gives up on a fleet rollout that has not finished in this time. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const TERMINAL = new Set(['succeeded', 'failed', 'superseded']);

/**
 * What `npm start` shows on a configuration with fleets: one revision taken across the fleet's clusters wave by
 * wave, through the public endpoints. An approver clicks the wave approval in Slack, and lifts a freeze (with a
 * reason, through `/aviary unfreeze`) when one holds a rollout.
 */
export async function runFleetDemo(options: FleetDemoOptions): Promise<FleetRolloutStatus> {
  const { stack, client, write } = options;
  const definition = resolveFleet(stack.app.config, options.fleet);
  if (!definition) throw new Error(`unknown fleet "${options.fleet}"`);
  const approver = fleetApprovers(stack.app.config, definition)[0];
  if (!approver) throw new Error(`fleet "${options.fleet}" has no approvers to approve its waves`);
  const first = stack.target(definition.waves[0]?.targets[0] as string);
  const seeded = stack.clusters
    .get(first.cluster)
    ?.deployment(first.namespace, first.primary.deployment).image;
  const image = `${(seeded ?? SEED_IMAGE).replace(/:[^:/]+$/, '')}:6.5.1`;

  write(
    `\n▶ fleet ${options.fleet}: ${image} across ${definition.waves.length} waves (CI webhook names the fleet)`,
  );
  for (const [i, wave] of definition.waves.entries()) {
    const gates = [
      wave.bakeSeconds > 0 ? `bake ${wave.bakeSeconds}s` : '',
      wave.approval ? 'approval first' : '',
    ]
      .filter(Boolean)
      .join(', ');
    write(`  wave ${i + 1}: ${wave.targets.join(', ')}${gates ? ` (${gates})` : ''}`);
  }
  const response = await client.deploy({ target: options.fleet, revision: '6.5.1', image, actor: 'demo' });
  const id = (response.body as { rollout?: { id?: string } }).rollout?.id;
  if (response.status >= 300 || !id) {
    throw new Error(`deploy webhook answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  const unfrozen = new Set<string>();
  let last = '';
  for (;;) {
    options.signal?.throwIfAborted();
    const answer = await client.get(`/rollouts/${id}`);
    if (answer.status !== 200)
      throw new Error(`GET /rollouts/${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    const fleet = answer.body as FleetRolloutStatus;
    const line = describe(fleet);
    if (line !== last) write(`  ${line}`);
    last = line;
    if (TERMINAL.has(fleet.phase)) return fleet;
    if (fleet.phase === 'awaiting_approval') {
      const value = approvalButtonFor(stack.slack?.messages ?? [], id);
      if (value) {
        write(
          `  ✉  Slack: wave ${fleet.wave} asks for approval; ${approver} clicks "Start wave ${fleet.wave}"`,
        );
        const click = await client.click(value, approver, 'approve');
        if (click.status !== 200)
          throw new Error(`approval refused: ${click.status} ${JSON.stringify(click.body)}`);
      }
    }
    for (const wave of fleet.waves) {
      for (const t of wave.targets) {
        if (!t.rollout || t.phase !== 'pending' || t.freezes.length === 0 || unfrozen.has(t.rollout))
          continue;
        unfrozen.add(t.rollout);
        const freeze = t.freezes.map((f) => `${f.name} (${f.reason})`).join(', ');
        write(`  ❄  ${t.rollout} waits in pending: ${freeze}`);
        write(`  ✉  Slack: ${approver} types /aviary unfreeze ${t.rollout} demo override`);
        const lifted = await client.slash(`unfreeze ${t.rollout} demo override`, approver);
        if (lifted.status !== 200)
          throw new Error(`unfreeze refused: ${lifted.status} ${JSON.stringify(lifted.body)}`);
      }
    }
    if (Date.now() > deadline)
      throw new Error(`fleet rollout ${id} still ${fleet.phase} after the demo's time limit`);
    await sleep(options.pollMs ?? 500, options.signal);
  }
}

function describe(fleet: FleetRolloutStatus): string {
  const waves = fleet.waves.map((w) => {
    const targets = w.targets
      .map((t) => `${t.target}${t.phase ? ` ${t.phase}${t.canaryWeight ? ` ${t.canaryWeight}%` : ''}` : ''}`)
      .join(', ');
    return `wave ${w.wave} ${w.status} [${targets}]`;
  });
  return `${fleet.id} ${fleet.phase.padEnd(17)} ${waves.join(' | ')}`;
}

import type { RolloutStatus } from '../engine/engine.js';
import { SEED_IMAGE } from '../sim/cluster/target-objects.js';
import { abortableSleep as sleep } from './abortable-sleep.js';
import type { EmbeddedStack } from './embedded-stack.js';
import { approvalButtonFor, type LocalClient } from './local-client.js';
import { createProgressPrinter } from './progress-printer.js';

export interface DemoOptions {
  stack: EmbeddedStack;
  client: LocalClient;
  /** The target the demo rolls out (the first one of the config on a simulated cluster). */
  target: string;
  write: (line: string) => void;
  /** How often the demo looks at the rollout (the tick itself runs on its own timer). */
  pollMs?: number;
  /** Gives up on a rollout that has not finished in this time. */
  rolloutTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface DemoOutcome {
  healthy: RolloutStatus;
  faulty: RolloutStatus;
}

const TERMINAL = new Set(['succeeded', 'failed', 'superseded']);

/**
 * What a newcomer sees on `npm start`: a healthy revision walked through every step and promoted after an
 * approval clicked through the signed Slack webhook, then a faulty revision caught and rolled back. Everything
 * goes through the public HTTP endpoints, signed the way CI and Slack sign, exactly as it would on AWS.
 */
export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const { stack, client, target, write } = options;
  const config = stack.target(target);
  const approver = config.approvers[0];
  if (!approver) throw new Error(`target "${target}" has no approvers to approve the demo rollout`);
  const base = imageBase(stack, target);
  const print = createProgressPrinter((line) => write(`  ${line}`));

  write(`\n▶ 1/2  a healthy revision: ${base}:6.5.1 (CI webhook, HMAC-signed)`);
  const healthyId = await deploy(client, {
    target,
    revision: '6.5.1',
    image: `${base}:6.5.1`,
    actor: 'demo',
  });
  let healthy = await follow(
    options,
    healthyId,
    print,
    (s) => s.phase === 'awaiting_approval' || TERMINAL.has(s.phase),
  );
  if (healthy.phase === 'awaiting_approval') {
    const value = await approvalButton(options, healthyId);
    write(
      `  ✉  Slack: approval requested in ${config.slackChannel ?? 'the default channel'}; ${approver} clicks Approve`,
    );
    const click = await client.click(value, approver, 'approve');
    if (click.status !== 200)
      throw new Error(`approval click refused: ${click.status} ${JSON.stringify(click.body)}`);
    healthy = await follow(options, healthyId, print, (s) => TERMINAL.has(s.phase));
  }
  write(`  ${healthy.phase === 'succeeded' ? '✔' : '✘'} ${healthyId} ${healthy.phase}`);

  write(`\n▶ 2/2  a faulty revision: ${base}:6.5.2-faulty (the simulator fails ~10% of its requests)`);
  const faultyId = await deploy(client, {
    target,
    revision: '6.5.2-faulty',
    image: `${base}:6.5.2-faulty`,
    actor: 'demo',
  });
  const faulty = await follow(
    options,
    faultyId,
    print,
    (s) => TERMINAL.has(s.phase) || s.phase === 'awaiting_approval',
  );
  write(`  ${faulty.phase === 'failed' ? '✔ rolled back:' : '✘'} ${faultyId} ${faulty.phase}`);
  return { healthy, faulty };
}

/** The repository of the image the target's primary runs, so the demo deploys newer tags of the same thing. */
export function imageBase(stack: EmbeddedStack, target: string): string {
  const { cluster, namespace, primary } = stack.target(target);
  const image = stack.clusters.get(cluster)?.deployment(namespace, primary.deployment).image;
  return (image ?? SEED_IMAGE).replace(/:[^:/]+$/, '');
}

export async function deploy(client: LocalClient, request: Record<string, unknown>): Promise<string> {
  const response = await client.deploy(request);
  const id = (response.body as { rollout?: { id?: string } }).rollout?.id;
  if (response.status >= 300 || !id) {
    throw new Error(`deploy webhook answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return id;
}

export async function follow(
  options: Pick<DemoOptions, 'client' | 'pollMs' | 'rolloutTimeoutMs' | 'signal'>,
  id: string,
  print: (status: RolloutStatus) => void,
  done: (status: RolloutStatus) => boolean,
): Promise<RolloutStatus> {
  const deadline = Date.now() + (options.rolloutTimeoutMs ?? 180_000);
  for (;;) {
    options.signal?.throwIfAborted();
    const status = await options.client.rollout(id);
    print(status);
    if (done(status)) return status;
    if (Date.now() > deadline)
      throw new Error(`rollout ${id} still ${status.phase} after the demo's time limit`);
    await sleep(options.pollMs ?? 500, options.signal);
  }
}

export async function approvalButton(options: Pick<DemoOptions, 'stack' | 'signal'>, id: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = approvalButtonFor(options.stack.slack?.messages ?? [], id);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`no Slack approval message for ${id}`);
    await sleep(200, options.signal);
  }
}

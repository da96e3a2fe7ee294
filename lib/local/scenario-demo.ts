import type { RolloutStatus } from '../engine/engine.js';
import type { Scenario } from '../sim/scenario.js';
import { approvalButton, type DemoOptions, deploy, follow, imageBase } from './demo.js';
import { createProgressPrinter } from './progress-printer.js';

export interface ScenarioDemoOutcome {
  rollout: RolloutStatus;
  /** `asked`: the evidence stayed inconclusive past the progress deadline and the rollout waits for a person. */
  outcome: 'promoted' | 'rolled_back' | 'asked' | 'other';
}

const TERMINAL = new Set(['succeeded', 'failed', 'superseded']);

/**
 * `npm start` with a scenario: one revision rolled out while the simulated mesh serves the scenario's traffic
 * (its rates, bursts, latencies, changes, weight failures). A promotion approval is clicked through Slack, as the
 * simulator's approver does; an `evidence` approval is left for a person, and the demo says what the evidence was.
 */
export async function runScenarioDemo(
  options: DemoOptions & { scenario: Scenario },
): Promise<ScenarioDemoOutcome> {
  const { stack, client, target, write, scenario } = options;
  const print = createProgressPrinter((line) => write(`  ${line}`));
  const base = imageBase(stack, target);
  write(
    `\n▶ scenario ${scenario.name}: ${scenario.requestsPerSecond} rps, ${scenario.metrics === 'histogram' ? 'latency buckets from Prometheus' : 'latency quantiles from the SMI metrics API'}; expected: ${scenario.expected}`,
  );
  if (scenario.description) write(`  ${scenario.description}`);
  const id = await deploy(client, {
    target,
    revision: 'scenario',
    image: `${base}:scenario`,
    actor: 'demo',
  });
  let status = await follow(
    options,
    id,
    print,
    (s) => s.phase === 'awaiting_approval' || TERMINAL.has(s.phase),
  );
  if (status.phase === 'awaiting_approval' && status.approval?.gate === 'evidence') {
    const last = status.history.at(-1);
    write(`  ?  asked: ${last?.reason ?? 'the evidence stayed inconclusive'}`);
    return { rollout: status, outcome: 'asked' };
  }
  if (status.phase === 'awaiting_approval') {
    const value = await approvalButton(options, id);
    const approver = stack.target(target).approvers[0] ?? 'U0AVIARY01';
    write(`  ✉  Slack: approval requested; ${approver} clicks Approve`);
    const click = await client.click(value, approver, 'approve');
    if (click.status !== 200)
      throw new Error(`approval click refused: ${click.status} ${JSON.stringify(click.body)}`);
    status = await follow(options, id, print, (s) => TERMINAL.has(s.phase));
  }
  const outcome =
    status.phase === 'succeeded' ? 'promoted' : status.phase === 'failed' ? 'rolled_back' : 'other';
  const rollback = status.history.find((d) => d.action === 'rollback');
  if (rollback) write(`  ✘ rolled back: ${rollback.reason}`);
  return { rollout: status, outcome };
}

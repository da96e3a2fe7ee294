import { injectDynamoDbFaults } from '../../local/dynamodb-faults.js';
import type { DynamoDbLocal } from '../../local/dynamodb-local.js';
import { chaosConfig, chaosTargetName } from './chaos-config.js';
import { type ChaosStack, startChaosStack } from './chaos-stack.js';
import { type CrashKind, type CrashRecord, CrashSwitch } from './crash-switch.js';
import { type ChaosTarget, runRounds, type TargetOutcome } from './rounds.js';
import { type ChaosScript, SCRIPTS } from './scripts.js';

export interface CrashPointsOptions {
  /** Keys of SCRIPTS; by default every lifecycle: approved, faulty, paused, aborted, superseded. */
  scripts?: string[];
  seed: number;
  clusters?: number;
  maxRounds?: number;
}

export interface CrashPointsResult {
  /** Crashes that struck (one per experiment target). */
  crashes: CrashRecord[];
  /** Distinct transitions (`from→to (action)`) crashed after their state write, and before it with the cluster written. */
  transitions: { afterStateWrite: Set<string>; afterClusterWrite: Set<string> };
  outcomes: TargetOutcome[];
  rounds: number;
}

/** `promoted` is `approved` without the approval: its transitions are all in `approved`. */
export const CRASH_SCRIPTS = ['approved', 'faulty', 'paused', 'aborted', 'superseded'];

const KINDS: CrashKind[] = ['afterStateWrite', 'afterClusterWrite'];

/**
 * For every transition of the scripts' lifecycles, a crash after its state write and before its cluster write,
 * and the reverse; each on its own target, all in one stack, then rounds until every target converged.
 * A first run without crashes lists each script's transitions; each distinct one is crashed once per kind.
 */
export async function runCrashPoints(
  dynamo: DynamoDbLocal,
  options: CrashPointsOptions,
): Promise<CrashPointsResult> {
  const scripts = (options.scripts ?? CRASH_SCRIPTS).map((key) => {
    const script = SCRIPTS[key];
    if (!script) throw new Error(`no chaos script "${key}"`);
    return script;
  });
  const maxRounds = options.maxRounds ?? 40;
  const labels = await referenceTransitions(dynamo, scripts, options.seed, maxRounds);

  // Each distinct transition once per crash kind, in the first lifecycle that goes through it.
  const plans: { script: ChaosScript; transition: number; kind: CrashKind }[] = [];
  const covered = new Set<string>();
  scripts.forEach((script, s) => {
    (labels[s] ?? []).forEach((label, i) => {
      if (covered.has(label)) return;
      covered.add(label);
      for (const kind of KINDS) plans.push({ script, transition: i + 1, kind });
    });
  });
  const crashes = new CrashSwitch();
  const targets: ChaosTarget[] = plans.map((plan, i) => {
    const name = chaosTargetName(i);
    crashes.arm({ target: name, transition: plan.transition, kind: plan.kind });
    return { name, script: plan.script };
  });
  const cs = await startChaosStack(
    dynamo,
    chaosConfig({
      targets: targets.length,
      clusters: options.clusters ?? 8,
      policyOf: (i) => plans[i]?.script.policy ?? 'auto',
    }),
    options.seed,
  );
  try {
    install(cs, crashes);
    const run = await runRounds(cs, targets, {
      maxRounds,
      afterInvocation: () => crashes.endInvocation(),
    });
    const records = targets.map((t) => crashes.record(t.name)).filter((r): r is CrashRecord => !!r);
    const transitions = { afterStateWrite: new Set<string>(), afterClusterWrite: new Set<string>() };
    for (const r of records) transitions[r.kind].add(r.label);
    return { crashes: records, transitions, outcomes: run.outcomes, rounds: run.rounds };
  } finally {
    await cs.close();
  }
}

/** Each script once, without crashes (the switch only watches), for the transitions to crash at. */
async function referenceTransitions(
  dynamo: DynamoDbLocal,
  scripts: ChaosScript[],
  seed: number,
  maxRounds: number,
): Promise<string[][]> {
  const counter = new CrashSwitch();
  const cs = await startChaosStack(
    dynamo,
    chaosConfig({ targets: scripts.length, clusters: 1, policyOf: (i) => scripts[i]?.policy ?? 'auto' }),
    seed,
  );
  try {
    install(cs, counter);
    const targets = scripts.map((script, i) => ({ name: chaosTargetName(i), script }));
    const run = await runRounds(cs, targets, { maxRounds, afterInvocation: () => counter.endInvocation() });
    const stuck = run.outcomes.filter((o) => !o.converged);
    if (stuck.length > 0)
      throw new Error(`reference run did not converge: ${stuck.flatMap((o) => o.problems).join('; ')}`);
    return targets.map((t) => counter.transitions(t.name));
  } finally {
    await cs.close();
  }
}

function install(cs: ChaosStack, crashes: CrashSwitch): void {
  for (const cluster of cs.stack.clusters.values()) cluster.api.setFaultPolicy(crashes.kube);
  cs.stack.slack?.setFaultPolicy(crashes.slack);
  injectDynamoDbFaults(cs.stack.storeClient, crashes.dynamo);
}

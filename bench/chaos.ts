// `npm run bench:chaos [-- --seed N] [--rollouts N] [--operations N]`
//
// The chaos bench, on the real stack (the Lambda handlers behind the local HTTP API, DynamoDB Local, one
// Kubernetes API double per simulated cluster, the Slack double), at a clock it moves by hand:
// - crash points: for every transition of five lifecycles (approved, faulty, paused, aborted, superseded), a crash
//   after the state write and before the cluster write, and the reverse; the next ticks must converge;
// - faults: rollouts, healthy and faulty, under 20 % Kubernetes API faults (500, 503, 504, connections dropped
//   before or after a write took effect, 409s) and 10 % DynamoDB throttling and 5xx (in the SDK's middleware
//   stack, below its retries);
// - races: approve, abort, pause and resume commands, new and repeated deliveries and overlapping ticks, in
//   concurrent waves.
// Prints one table; every loss column must be zero and the whole run must finish within five minutes.
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { runCrashPoints } from '../lib/sim/chaos/crash-points.js';
import { runFaultStorm } from '../lib/sim/chaos/fault-storm.js';
import { runRaces } from '../lib/sim/chaos/races.js';
import type { TargetOutcome } from '../lib/sim/chaos/rounds.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '9' },
    rollouts: { type: 'string', default: '100' },
    operations: { type: 'string', default: '1000' },
    verbose: { type: 'boolean', default: false },
  },
});
const SEED = Number(values.seed);
const ROLLOUTS = Number(values.rollouts);
const OPERATIONS = Number(values.operations);
const BUDGET_MS = 5 * 60_000;

interface Row {
  scenario: string;
  load: string;
  stuck: number;
  canaryAfterRollback: number;
  lostTransitions: number;
  duplicateSlack: number;
  nonLinear: number;
  terminal: number;
  slackBehind: number;
}

const sum = (outcomes: TargetOutcome[], pick: (o: TargetOutcome) => number) =>
  outcomes.reduce((total, o) => total + pick(o), 0);

function rowOf(scenario: string, load: string, outcomes: TargetOutcome[]): Row {
  return {
    scenario,
    load,
    stuck: outcomes.filter((o) => !o.converged).length,
    canaryAfterRollback: sum(outcomes, (o) => o.canaryRequestsAfterRollback),
    lostTransitions: sum(outcomes, (o) => o.lostTransitions),
    duplicateSlack: sum(outcomes, (o) => o.duplicateMessages),
    nonLinear: sum(outcomes, (o) => o.nonLinear + o.versionViolations),
    terminal: sum(outcomes, (o) => o.terminalViolations),
    slackBehind: sum(outcomes, (o) => o.staleMessages),
  };
}

const started = performance.now();
/** Each part's row as soon as it is known (stderr), so a long run on a busy machine shows where it stands. */
const progress = (what: string) =>
  process.stderr.write(
    `${what} done at ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(rows.slice(-1)[0] ?? null)}\n`,
  );
const problems: string[] = [];
const rows: Row[] = [];
const dynamo = await startDynamoDbLocal({ startTimeoutMs: 240_000 });
try {
  const crash = await runCrashPoints(dynamo, { seed: SEED });
  for (const kind of ['afterStateWrite', 'afterClusterWrite'] as const) {
    const targets = new Set(crash.crashes.filter((c) => c.kind === kind).map((c) => c.target));
    const outcomes = crash.outcomes.filter((o) => targets.has(o.name));
    const withCluster = crash.crashes.filter((c) => c.kind === kind && c.clusterWritten).length;
    rows.push(
      rowOf(
        kind === 'afterStateWrite'
          ? 'crash: state written, cluster not'
          : 'crash: cluster written, state not',
        `${targets.size} crashes, ${crash.transitions[kind].size} transitions` +
          (kind === 'afterClusterWrite' ? `, ${withCluster} with a cluster write` : ''),
        outcomes,
      ),
    );
    problems.push(...outcomes.flatMap((o) => o.problems.map((p) => `crash ${kind}: ${p}`)));
    progress(`crash points, ${kind} (${crash.rounds} rounds)`);
  }

  const storm = await runFaultStorm(dynamo, { rollouts: ROLLOUTS, seed: SEED });
  const faulty = storm.outcomes.filter((o) => o.script.expected.phases.r2 === 'failed').length;
  const kubeFaults = Object.values(storm.injected.kube).reduce((a, b) => a + b, 0);
  const dynamoFaults = Object.values(storm.injected.dynamo).reduce((a, b) => a + b, 0);
  rows.push(
    rowOf(
      `faults: ${ROLLOUTS} rollouts (${ROLLOUTS - faulty} healthy, ${faulty} faulty)`,
      `${kubeFaults}/${storm.injected.kubeRequests} k8s, ${dynamoFaults}/${storm.injected.dynamoAttempts} DynamoDB`,
      storm.outcomes,
    ),
  );
  problems.push(...storm.outcomes.flatMap((o) => o.problems.map((p) => `faults: ${p}`)));
  progress(`faults (${storm.rounds} rounds)`);

  const races = await runRaces(dynamo, { operations: OPERATIONS, targets: 20, wave: 25, seed: SEED });
  const ops = races.operations;
  rows.push({
    scenario: `races: ${OPERATIONS.toLocaleString('en')} operations, ${races.rollouts} rollouts`,
    load: `${ops.approve + ops.abort + ops.pause + ops.resume} commands, ${ops.delivery + ops.redelivery} deliveries, ${ops.tick} ticks`,
    stuck: 0,
    canaryAfterRollback: races.canaryRequestsAfterRollback,
    lostTransitions: races.lostTransitions,
    duplicateSlack: races.duplicateMessages,
    nonLinear: races.nonLinear + races.versionViolations,
    terminal: races.terminalViolations,
    slackBehind: 0,
  });
  problems.push(...races.problems.map((p) => `races: ${p}`));
  progress('races');
} finally {
  await dynamo.stop();
}
const elapsedMs = performance.now() - started;

const headers = [
  'scenario',
  'load',
  'stuck',
  'canary requests after rollback',
  'lost transitions',
  'duplicate Slack messages',
  'non-linear histories',
  'terminal decisions ≠ 1',
  'Slack message behind',
];
const cells = rows.map((r) => [
  r.scenario,
  r.load,
  ...[
    r.stuck,
    r.canaryAfterRollback,
    r.lostTransitions,
    r.duplicateSlack,
    r.nonLinear,
    r.terminal,
    r.slackBehind,
  ].map(String),
]);
const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
const line = (c: string[]) =>
  `| ${c.map((v, i) => (i < 2 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join(' | ')} |\n`;
process.stdout.write(line(headers));
process.stdout.write(
  `|${widths.map((w, i) => (i < 2 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|\n`,
);
for (const c of cells) process.stdout.write(line(c));
const losses = rows.reduce(
  (total, r) =>
    total +
    r.stuck +
    r.canaryAfterRollback +
    r.lostTransitions +
    r.duplicateSlack +
    r.nonLinear +
    r.terminal +
    r.slackBehind,
  0,
);
process.stdout.write(`\nrun time ${(elapsedMs / 1000).toFixed(1)} s (seed ${SEED})\n`);
process.stdout.write(`all loss columns zero: ${losses === 0 ? 'MET' : 'NOT MET'}\n`);
process.stdout.write(
  `finishes in under 5 minutes: ${elapsedMs < BUDGET_MS ? 'MET' : 'NOT MET'} (${(elapsedMs / 60_000).toFixed(2)} min)\n`,
);
if (problems.length > 0) {
  process.stdout.write(
    `\n${problems.length} problems${values.verbose ? ':' : ' (first 20; --verbose for all):'}\n`,
  );
  for (const p of values.verbose ? problems : problems.slice(0, 20)) process.stdout.write(`- ${p}\n`);
}
if (losses > 0 || elapsedMs >= BUDGET_MS) process.exitCode = 1;

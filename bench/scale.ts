// `npm run bench:scale [-- --rollouts N] [--clusters N] [--latency MS] [--slow-latency MS]`
//
// Fleet scale on the real stack (the Lambda handlers, DynamoDB Local, one Kubernetes API double per simulated
// cluster answering after `--latency` ms, the SMI metrics API behind it at the same latency, as the aggregated
// API of a cluster in another region would be). Measured side by side in one run, on the same fleet:
//   (a) the single-invocation tick of before (`tickAll`, `tick.clusterConcurrency` clusters at once);
//   (b) tick → queue → workers: from the scheduled tick to every due rollout judged, the workers run as Lambda
//       runs them (one message in flight per cluster, up to one worker per cluster at once);
//   (c) the peak memory of one worker: the cluster worker bundled as serverless.yml bundles it, in a fresh Node
//       process with V8's heap capped at 256 MB, working one cluster's message;
//   (d) one cluster slowed to `--slow-latency` ms per request: the other clusters' completion times against (b).
// The workers of (b) and (d) share this process (and its two cores) with the API doubles; on Lambda each has its
// own, so the times here are an upper bound. `BENCH_DEBUG=1` prints the engine's warnings and the functions' logs.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { clusterAgents } from '../lib/cluster/keep-alive-agents.js';
import { newRollout } from '../lib/core/rollout-start.js';
import type { TickSummary } from '../lib/engine/engine.js';
import { localDynamoClients, startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { type EmbeddedStack, startEmbeddedStack } from '../lib/local/embedded-stack.js';
import { type AviaryConfig, AviaryConfigSchema } from '../lib/model/config.js';
import type { Policy } from '../lib/model/policy.js';
import { DynamoDbRolloutStore } from '../lib/store/dynamodb-store.js';
import { decisionItem, headItem, rolloutItem } from '../lib/store/item-codec.js';
import { lambdaBuild } from './bundles/lambda-build.js';
import { RESULT_MARK, type WorkerJob } from './scale-worker-job.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rollouts: { type: 'string', default: '1000' },
    clusters: { type: 'string', default: '20' },
    latency: { type: 'string', default: '25' },
    'slow-latency': { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const ROLLOUTS = Number(values.rollouts);
const CLUSTERS = Number(values.clusters);
const LATENCY_MS = Number(values.latency);
const SLOW_LATENCY_MS = Number(values['slow-latency']);
const CONCURRENCY = Number(values.concurrency);
const PERIOD_MS = 60_000;
/** A worker's budget for its cluster, under the worker's 60 s Lambda timeout (serverless.yml). */
const BUDGET_MS = 50_000;
const HEAP_LIMIT_MB = 256;
/** Machine noise allowed before the healthy clusters count as delayed by the slow one. */
const ISOLATION_TOLERANCE = 1.25;

const clusterName = (c: number) => `c${c}`;
const targetName = (c: number, i: number) => `svc-c${c}-${i}`;

/** The fleet: `ROLLOUTS` targets spread evenly over `CLUSTERS` simulated clusters. */
function fleetConfigInput(): Record<string, unknown> {
  const clusters: Record<string, unknown> = {};
  const targets: Record<string, unknown> = {};
  for (let c = 1; c <= CLUSTERS; c++)
    clusters[clusterName(c)] = { kind: 'simulated', requestsPerSecond: 100, deploymentRolloutSeconds: 0 };
  for (let r = 0; r < ROLLOUTS; r++) {
    const c = (r % CLUSTERS) + 1;
    const name = targetName(c, Math.floor(r / CLUSTERS) + 1);
    targets[name] = {
      cluster: clusterName(c),
      namespace: 'demo',
      service: name,
      primary: { service: `${name}-primary`, deployment: `${name}-primary` },
      canary: { service: `${name}-canary`, deployment: `${name}-canary` },
      policy: 'bench',
    };
  }
  return {
    clusters,
    targets,
    // Ten steps, one check a period, an approval before promotion: every rollout stays active through the run.
    policies: {
      bench: {
        stepWeights: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        intervalSeconds: PERIOD_MS / 1000,
        approval: { beforePromotion: true },
      },
    },
    tick: { clusterConcurrency: CONCURRENCY, clusterBudgetMs: BUDGET_MS },
  };
}

const configInput = fleetConfigInput();
const config: AviaryConfig = AviaryConfigSchema.parse(configInput);
const ids = Object.keys(config.targets);

interface Run {
  ms: number;
  judged: number;
  /** Judged rollouts by cluster. */
  judgedBy: Map<string, number>;
  /** Per cluster, ms from the tick's start until its work was done. */
  clusterMs: Map<string, number>;
  cpuMs: number;
  /** What the judged rollouts' checks did, by action; and the first errors. */
  actions: Record<string, number>;
  errors: string[];
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const judgedIn = (summary: TickSummary) => summary.rollouts.filter((r) => r.error === undefined).length;
/** Rollout ids are `<target>-<n>`, the bench's targets `svc-<cluster>-<i>`. */
const judgedByCluster = (summary: TickSummary): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const r of summary.rollouts) {
    const cluster = /^svc-(c\d+)-/.exec(r.id)?.[1];
    if (cluster && r.error === undefined) counts.set(cluster, (counts.get(cluster) ?? 0) + 1);
  }
  return counts;
};
const actionsIn = (summary: TickSummary): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of summary.rollouts) if (r.error === undefined) counts[r.action] = (counts[r.action] ?? 0) + 1;
  return counts;
};
const errorsIn = (summary: TickSummary): string[] => [
  ...summary.clusters.filter((c) => !c.ok).map((c) => `${c.name}: ${c.error}`),
  ...summary.rollouts.filter((r) => r.error !== undefined).map((r) => `${r.id}: ${r.error}`),
];
const max = (xs: Iterable<number>) => Math.max(0, ...xs);

let now = Date.UTC(2026, 11, 2, 12);
let tickStarted = 0;
const finished = new Map<string, number>();
/** Messages whose worker failed (they come back after the visibility timeout). */
const failures: string[] = [];

const dynamo = await startDynamoDbLocal();
let stack: EmbeddedStack | undefined;
const out = mkdtempSync(path.join(tmpdir(), 'aviary-scale-'));
try {
  stack = await startEmbeddedStack({
    config,
    dynamo,
    clock: () => now,
    logLevel: process.env.BENCH_DEBUG ? 'WARN' : 'SILENT',
    ...(process.env.BENCH_DEBUG
      ? { log: (level, message, data) => level !== 'info' && console.error(level, message, data) }
      : {}),
    slack: false,
    github: false,
    events: false,
    // When each cluster's message was done, from the tick's start.
    wrapClusterEngine: (engine) => ({
      ...engine,
      work: async (work) => {
        try {
          const summary = await engine.work(work);
          finished.set(work.cluster, performance.now() - tickStarted);
          return summary;
        } catch (error) {
          failures.push(`${work.cluster}: ${error instanceof Error ? error.message : String(error)}`);
          throw error;
        }
      },
    }),
  });
  const running = stack;

  // Seeding: each rollout as the deploy path's start writes it (rollout, target head, first decision), put in
  // batches of 25 items instead of one transaction each: the bench measures the tick, not the deploys.
  const seedStarted = performance.now();
  const seeder = localDynamoClients(dynamo.endpoint);
  const items = ids.flatMap((target) => {
    const resolved = running.target(target);
    const id = `${target}-1`;
    const { rollout, decision } = newRollout({
      id,
      target,
      cluster: resolved.cluster,
      revision: 'v2',
      image: `example/${target}:2`,
      source: { kind: 'webhook', deliveryId: `bench-${target}` },
      policy: config.policies[resolved.policy] as Policy,
      now,
    });
    return [
      rolloutItem(rollout, 1),
      headItem({
        target,
        activeRolloutId: id,
        latestRolloutId: id,
        latestRevision: 'v2',
        seq: 1,
        version: 1,
      }),
      decisionItem(id, decision, 1, 0),
    ];
  });
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        let requests = batch.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const out = await seeder.doc.send(
            new BatchWriteCommand({ RequestItems: { [running.tableName]: requests } }),
          );
          requests = (out.UnprocessedItems?.[running.tableName] ?? []) as typeof requests;
        }
      }
    }),
  );
  seeder.client.destroy();
  const seedMs = performance.now() - seedStarted;
  for (const cluster of running.clusters.values()) cluster.api.injectFaults({ latencyMs: LATENCY_MS });

  const queuePath = async (): Promise<Run> => {
    finished.clear();
    failures.length = 0;
    const cpu = process.cpuUsage();
    tickStarted = performance.now();
    const summary = await running.tick();
    const ms = performance.now() - tickStarted;
    const used = process.cpuUsage(cpu);
    return {
      ms,
      judged: judgedIn(summary),
      judgedBy: judgedByCluster(summary),
      clusterMs: new Map(finished),
      cpuMs: (used.user + used.system) / 1000,
      actions: actionsIn(summary),
      errors: [...failures, ...errorsIn(summary)],
    };
  };
  const singleInvocation = async (): Promise<Run> => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await running.clusterEngineApp.clusterEngine.tickAll();
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return {
      ms,
      judged: judgedIn(summary),
      judgedBy: judgedByCluster(summary),
      clusterMs: new Map(summary.clusters.map((c) => [c.name, c.ms])),
      cpuMs: (used.user + used.system) / 1000,
      actions: actionsIn(summary),
      errors: errorsIn(summary),
    };
  };

  process.stdout.write(
    `bench:scale — ${ROLLOUTS} active rollouts over ${CLUSTERS} simulated clusters, Kubernetes API (and SMI metrics) latency ${LATENCY_MS} ms, cluster budget ${s(BUDGET_MS)}\n` +
      `seeded ${ROLLOUTS} rollouts (batched writes of what a deploy writes) in ${s(seedMs)}\n`,
  );
  // The first check of each rollout deploys its canary; the runs below measure the steady state that follows. It
  // runs in one call (not through the queue), so that on a starved machine a worker past Lambda's 60 s cannot
  // leave its cluster's messages waiting out the visibility timeout before the measured runs.
  const first = await singleInvocation();
  process.stdout.write(
    `first check (canaries deployed), one call: ${s(first.ms)}, ${first.judged} judged\n\n`,
  );

  now += PERIOD_MS;
  const baseline = await singleInvocation();
  now += PERIOD_MS;
  const queued = await queuePath();
  // One cluster slowed down: its worker runs to its budget; the others must not notice.
  const slowCluster = clusterName(CLUSTERS);
  running.clusters.get(slowCluster)?.api.injectFaults({ latencyMs: SLOW_LATENCY_MS });
  now += PERIOD_MS;
  const slowed = await queuePath();
  running.clusters.get(slowCluster)?.api.injectFaults({ latencyMs: LATENCY_MS });
  // The healthy fleet once more, after: this machine's noise between two healthy runs brackets (d).
  now += PERIOD_MS;
  const queuedAgain = await queuePath();

  // One worker in its own process: cluster c1's next message, through the bundled handler, heap capped.
  now += PERIOD_MS;
  const reader = localDynamoClients(dynamo.endpoint);
  const store = new DynamoDbRolloutStore({ client: reader.doc, tableName: running.tableName });
  const due = (await store.listDue(now)).filter((r) => r.cluster === clusterName(1));
  reader.client.destroy();
  const file = path.join(out, 'scale-worker.mjs');
  const { options } = lambdaBuild(ROOT);
  await build({ ...options, entryPoints: ['bench/scale-worker.ts'], outfile: file });
  const sim = running.clusters.get(clusterName(1));
  if (!sim) throw new Error('cluster c1 is not running');
  const job: WorkerJob = {
    endpoint: dynamo.endpoint,
    tableName: running.tableName,
    config: configInput,
    kubeconfig: sim.api.kubeconfig(clusterName(1)),
    work: { cluster: clusterName(1), rollouts: due.map((r) => r.id), dueAt: now },
    now,
  };
  const jobFile = path.join(out, 'job.json');
  writeFileSync(jobFile, JSON.stringify(job));
  let worker: {
    judged: number;
    failures: number;
    ms: number;
    rssAtStartBytes: number;
    maxRssBytes: number;
  } | null = null;
  let workerError = '';
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [`--max-old-space-size=${HEAP_LIMIT_MB}`, file],
      {
        env: { ...process.env, NODE_OPTIONS: '', AVIARY_SCALE_WORKER_JOB: jobFile },
        maxBuffer: 64 * 2 ** 20,
      },
    );
    const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
    if (!line) throw new Error(`no result from the worker: ${stdout.slice(-500)}`);
    worker = JSON.parse(line.slice(RESULT_MARK.length));
  } catch (error) {
    workerError = error instanceof Error ? error.message : String(error);
  }

  const others = (run: Run) => [...run.clusterMs].filter(([c]) => c !== slowCluster).map(([, ms]) => ms);
  const healthyOthers = Math.max(max(others(queued)), max(others(queuedAgain)));
  const slowedOthers = max(others(slowed));
  const slowRollouts = ROLLOUTS / CLUSTERS;
  const othersJudged = [...slowed.judgedBy].filter(([c]) => c !== slowCluster).reduce((n, [, k]) => n + k, 0);
  const row = (label: string, run: Run, extra = '') =>
    `| ${label.padEnd(52)} | ${s(run.ms).padStart(8)} | ${String(run.judged).padStart(6)} | ${s(run.cpuMs).padStart(8)} |${extra}\n`;
  process.stdout.write(`| ${'path'.padEnd(52)} |     time | judged | CPU here |\n`);
  process.stdout.write(`|${'-'.repeat(54)}|----------|--------|----------|\n`);
  process.stdout.write(row(`(a) single-invocation tick, clusterConcurrency ${CONCURRENCY}`, baseline));
  process.stdout.write(row(`(b) tick → queue → ${CLUSTERS} concurrent workers`, queued));
  process.stdout.write(row(`(d) the same, ${slowCluster} at ${SLOW_LATENCY_MS} ms per request`, slowed));
  process.stdout.write(row('(b) again, all healthy', queuedAgain));
  for (const [label, run] of [
    ['first', first],
    ['(a)', baseline],
    ['(b)', queued],
    ['(d)', slowed],
    ['(b) again', queuedAgain],
  ] as const) {
    process.stdout.write(
      `${label}: ${JSON.stringify(run.actions)}${run.errors.length ? `; ${run.errors.length} errors, first: ${run.errors.slice(0, 2).join(' | ')}` : ''}\n`,
    );
  }
  process.stdout.write(
    `\n(b) ÷ (a): ${(queued.ms / baseline.ms).toFixed(2)}× the time (${(baseline.ms / queued.ms).toFixed(1)}× faster); ` +
      `slowest healthy cluster (b) ${s(max(queued.clusterMs.values()))}, median ${s(median([...queued.clusterMs.values()]))}\n`,
  );
  process.stdout.write(
    `(d): the other ${CLUSTERS - 1} clusters done by ${s(slowedOthers)} against ${s(healthyOthers)} with ${slowCluster} healthy (the slower of the two healthy runs; ${(slowedOthers / healthyOthers).toFixed(2)}×); ` +
      `${slowCluster} worked ${s(slowed.clusterMs.get(slowCluster) ?? Number.NaN)} (its budget ${s(BUDGET_MS)}), ${slowed.judgedBy.get(slowCluster) ?? 0} of its ${slowRollouts} rollouts judged, the rest hold until it answers\n`,
  );
  if (worker) {
    process.stdout.write(
      `(c) one worker (bundled, --max-old-space-size=${HEAP_LIMIT_MB}): ${worker.judged} rollouts of ${clusterName(1)} judged in ${s(worker.ms)}; ` +
        `resident memory ${mb(worker.rssAtStartBytes)} once loaded, peak ${mb(worker.maxRssBytes)} (serverless.yml gives it 512 MB)\n`,
    );
  } else process.stdout.write(`(c) the worker failed: ${workerError}\n`);
  process.stdout.write('\n');

  const verdict = (met: boolean, text: string) => `${met ? 'MET    ' : 'NOT MET'} ${text}\n`;
  process.stdout.write(
    verdict(
      queued.judged === ROLLOUTS && queued.ms <= PERIOD_MS,
      `all ${ROLLOUTS} judged within one ${s(PERIOD_MS)} period: ${queued.judged} judged in ${s(queued.ms)}`,
    ),
  );
  process.stdout.write(
    verdict(
      worker !== null &&
        worker.failures === 0 &&
        worker.judged === due.length &&
        worker.maxRssBytes <= HEAP_LIMIT_MB * 2 ** 20,
      `≤ ${HEAP_LIMIT_MB} MB per worker: ${worker ? `peak ${mb(worker.maxRssBytes)}, ${worker.judged}/${due.length} judged under a ${HEAP_LIMIT_MB} MB heap` : 'the worker did not finish'}`,
    ),
  );
  process.stdout.write(
    verdict(
      slowedOthers <= healthyOthers * ISOLATION_TOLERANCE && othersJudged === ROLLOUTS - slowRollouts,
      `a slow cluster delays only its own rollouts: the other ${CLUSTERS - 1} done in ${(slowedOthers / healthyOthers).toFixed(2)}× their healthy time (≤ ${ISOLATION_TOLERANCE}× for noise), ${othersJudged} of their ${ROLLOUTS - slowRollouts} judged`,
    ),
  );
} finally {
  await stack?.close();
  clusterAgents.destroy();
  await dynamo.stop();
  rmSync(out, { recursive: true, force: true });
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

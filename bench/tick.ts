// `npm run bench:tick [-- --clusters N] [--latency MS] [--ticks N]`
//
// The scheduled tick over many clusters, on the real stack (handlers, DynamoDB Local, one Kubernetes API double
// per cluster with its API answering after `--latency` ms, as a cluster in another region would): the wall time
// of a tick with the clusters worked on one at a time against `tick.clusterConcurrency` at once, measured side by
// side in one run, and a fleet with one cluster hanging against the same fleet healthy.
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { type EmbeddedStack, startEmbeddedStack } from '../lib/local/embedded-stack.js';
import { createLocalClient } from '../lib/local/local-client.js';
import { type AviaryConfig, AviaryConfigSchema } from '../lib/model/config.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '8' },
    latency: { type: 'string', default: '40' },
    ticks: { type: 'string', default: '7' },
  },
});
const CLUSTERS = Number(values.clusters);
const LATENCY_MS = Number(values.latency);
const TICKS = Number(values.ticks);
const BUDGET_MS = 3_000;

function fleetConfig(concurrency: number): AviaryConfig {
  const clusters: Record<string, unknown> = {};
  const targets: Record<string, unknown> = {};
  for (let i = 1; i <= CLUSTERS; i++) {
    clusters[`c${i}`] = { kind: 'simulated', requestsPerSecond: 100, deploymentRolloutSeconds: 0 };
    targets[`svc${i}`] = {
      cluster: `c${i}`,
      namespace: 'demo',
      service: `svc${i}`,
      primary: { service: `svc${i}-primary`, deployment: `svc${i}-primary` },
      canary: { service: `svc${i}-canary`, deployment: `svc${i}-canary` },
      policy: 'bench',
    };
  }
  return AviaryConfigSchema.parse({
    clusters,
    targets,
    // Steps that never end within the run: every tick reads, judges and holds or advances every rollout.
    policies: {
      bench: {
        stepWeights: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        intervalSeconds: 30,
        approval: { beforePromotion: true },
      },
    },
    tick: { clusterConcurrency: concurrency, clusterBudgetMs: BUDGET_MS },
  });
}

interface Measured {
  medianMs: number;
  heldByBudget: number;
}

async function measure(
  dynamo: Awaited<ReturnType<typeof startDynamoDbLocal>>,
  concurrency: number,
  hanging: boolean,
): Promise<Measured> {
  let now = Date.UTC(2026, 10, 26, 12);
  const stack: EmbeddedStack = await startEmbeddedStack({
    config: fleetConfig(concurrency),
    dynamo,
    clock: () => now,
    logLevel: 'SILENT',
    slack: false,
  });
  try {
    const client = createLocalClient({
      url: stack.url,
      deploySecret: stack.secrets.deploySecret,
      clock: () => now,
    });
    for (let i = 1; i <= CLUSTERS; i++) {
      const response = await client.deploy({ target: `svc${i}`, revision: 'v2', image: 'example/svc:2' });
      if (response.status !== 202)
        throw new Error(`deploy svc${i}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    for (const cluster of stack.clusters.values()) cluster.api.injectFaults({ latencyMs: LATENCY_MS });
    if (hanging) stack.clusters.get(`c${CLUSTERS}`)?.api.injectFaults({ latencyMs: BUDGET_MS * 3 });
    const times: number[] = [];
    let heldByBudget = 0;
    for (let t = 0; t < TICKS; t++) {
      now += 30_000;
      const started = performance.now();
      const summary = await stack.tick();
      times.push(performance.now() - started);
      heldByBudget += summary.clusters.filter((c) => !c.ok).length;
    }
    times.sort((a, b) => a - b);
    return { medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN, heldByBudget };
  } finally {
    await stack.close();
  }
}

const dynamo = await startDynamoDbLocal();
try {
  process.stdout.write(
    `Tick over ${CLUSTERS} clusters (one rollout each, API latency ${LATENCY_MS} ms per request, budget ${BUDGET_MS} ms), median of ${TICKS} ticks\n`,
  );
  const sequential = await measure(dynamo, 1, false);
  const concurrent = await measure(dynamo, CLUSTERS, false);
  const hangingSequential = await measure(dynamo, 1, true);
  const hangingConcurrent = await measure(dynamo, CLUSTERS, true);
  const row = (label: string, m: Measured) =>
    `| ${label.padEnd(44)} | ${String(Math.round(m.medianMs)).padStart(9)} | ${String(m.heldByBudget).padStart(20)} |\n`;
  process.stdout.write(`| ${'fleet'.padEnd(44)} | tick (ms) | clusters over budget |\n`);
  process.stdout.write(`|${'-'.repeat(46)}|-----------|----------------------|\n`);
  process.stdout.write(row('all healthy, clusterConcurrency 1', sequential));
  process.stdout.write(row(`all healthy, clusterConcurrency ${CLUSTERS}`, concurrent));
  process.stdout.write(row('one cluster hanging, clusterConcurrency 1', hangingSequential));
  process.stdout.write(row(`one cluster hanging, clusterConcurrency ${CLUSTERS}`, hangingConcurrent));
  const speedup = sequential.medianMs / concurrent.medianMs;
  process.stdout.write(
    `\nconcurrent ÷ sequential tick time: ${(1 / speedup).toFixed(2)}× (${speedup.toFixed(1)}× faster)\n`,
  );
  process.stdout.write(
    `one hanging cluster costs the concurrent tick ${(hangingConcurrent.medianMs / concurrent.medianMs).toFixed(2)}× its healthy time (bounded by the ${BUDGET_MS} ms budget), the sequential tick ${(hangingSequential.medianMs / sequential.medianMs).toFixed(2)}×\n`,
  );
} finally {
  await dynamo.stop();
}

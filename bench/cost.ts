// `npm run bench:cost [-- --rollouts-per-day N] [--latency MS]`
//
// What one 10-step rollout costs on AWS, from the work it measurably does on the local stack (the same Lambda
// handlers, DynamoDB Local, the tick → queue → worker path): DynamoDB capacity units as DynamoDB reports them
// (ReturnConsumedCapacity on every call, added by SDK middleware), SQS messages and their sizes, Lambda
// invocations and their measured durations × the memory serverless.yml gives each function, API Gateway
// requests, EventBridge events, and the bytes the functions log (CloudWatch Logs). The scheduled tick runs every
// minute whether or not a rollout is under way: its cost is measured on idle ticks and counted per month, then
// shared by the month's rollouts. Prices: bench/cost/cost-model.ts (us-east-1, sources in docs/cost.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { parse } from 'yaml';
import { clusterAgents } from '../lib/cluster/keep-alive-agents.js';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { startEmbeddedStack } from '../lib/local/embedded-stack.js';
import { createLocalClient } from '../lib/local/local-client.js';
import { AviaryConfigSchema } from '../lib/model/config.js';
import { isTerminal } from '../lib/model/rollout.js';
import { signSlackRequest } from '../lib/signatures/slack.js';
import {
  addUsage,
  costLines,
  ITEMS,
  lambdaUsage,
  scaleUsage,
  sqsRequests,
  subtractUsage,
  totalUsd,
  US_EAST_1,
  type Usage,
} from './cost/cost-model.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'rollouts-per-day': { type: 'string', default: '100' },
    latency: { type: 'string', default: '25' },
    'idle-ticks': { type: 'string', default: '5' },
  },
});
const PER_DAY = Number(values['rollouts-per-day']);
const LATENCY_MS = Number(values.latency);
const IDLE_TICKS = Number(values['idle-ticks']);
const DAYS_PER_MONTH = 30;
const TICKS_PER_MONTH = DAYS_PER_MONTH * 24 * 60;
const TARGET_USD = 0.01;
/**
 * Assumption: Lambda's own START, END and REPORT lines per invocation (with X-Ray's trace id in REPORT), which
 * the runtime writes to CloudWatch Logs beside the function's output.
 */
const PLATFORM_LOG_BYTES = 380;
/** Assumption: the SQS event source mapping's idle long polling (five pollers, one 20 s receive each). */
const IDLE_POLL_REQUESTS_PER_MONTH = 5 * 3 * 60 * 24 * DAYS_PER_MONTH;

/** Memory per function, as serverless.yml configures it. */
const serverless = parse(readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8')) as {
  provider: { memorySize: number };
  functions: Record<string, { memorySize?: number }>;
  resources: { Resources?: Record<string, { Type?: string }> }[];
};
const memoryOf = (fn: string): number =>
  serverless.functions[fn]?.memorySize ?? serverless.provider.memorySize;
const alarms = serverless.resources
  .flatMap((r) => Object.values(r.Resources ?? {}))
  .filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length;

const APPROVER = 'U0COST0001';
const config = AviaryConfigSchema.parse({
  clusters: { prod: { kind: 'simulated', requestsPerSecond: 50, deploymentRolloutSeconds: 0 } },
  targets: {
    checkout: {
      cluster: 'prod',
      namespace: 'shop',
      service: 'checkout',
      primary: { service: 'checkout-primary', deployment: 'checkout-primary' },
      canary: { service: 'checkout-canary', deployment: 'checkout-canary' },
      policy: 'tenSteps',
      approvers: [APPROVER],
      slackChannel: '#checkout',
    },
  },
  slack: { teamId: 'T0AVIARY' },
  policies: { tenSteps: { stepWeights: [5, 10, 15, 20, 30, 40, 50, 60, 70, 80], intervalSeconds: 60 } },
});

// Everything the functions print goes to CloudWatch Logs on AWS: counted here, not shown.
let logBytes = 0;
const write = process.stdout.write.bind(process.stdout);
const out = (text: string) => write(text);
process.stdout.write = ((chunk: string | Uint8Array) => {
  logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  return true;
}) as typeof process.stdout.write;

// DynamoDB capacity as DynamoDB reports it, for every call the functions make.
let readUnits = 0;
let writeUnits = 0;
interface Consumed {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}
let unreported = 0;

let now = Date.UTC(2026, 11, 2, 12);
const logger = new Logger({ serviceName: 'aviary', logLevel: 'INFO' });
const workerMs: number[] = [];
const messageBytes: number[] = [];

const dynamo = await startDynamoDbLocal();
const stack = await startEmbeddedStack({
  config,
  dynamo,
  clock: () => now,
  logLevel: 'INFO',
  log: (level, message, data) => logger[level](message, data ?? {}),
  wrapClusterEngine: (engine) => ({
    ...engine,
    work: async (work) => {
      messageBytes.push(Buffer.byteLength(JSON.stringify(work)));
      const started = performance.now();
      try {
        return await engine.work(work);
      } finally {
        workerMs.push(performance.now() - started);
      }
    },
  }),
});
try {
  stack.storeClient.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const command = context.commandName ?? '';
      // Only operations that report capacity: not DescribeTable and the like.
      if (/Item|Query|Scan|Transact/.test(command)) input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: Consumed | Consumed[] };
      const consumed = output.ConsumedCapacity;
      const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
      if (list.length === 0 && /Item|Query|Scan|Transact/.test(command)) unreported++;
      for (const c of list) {
        // Reads and writes per operation kind: DynamoDB reports one total per call.
        if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
          readUnits += c.ReadCapacityUnits ?? 0;
          writeUnits += c.WriteCapacityUnits ?? 0;
        } else if (/Get|Query|Scan|TransactGet/.test(command)) readUnits += c.CapacityUnits ?? 0;
        else writeUnits += c.CapacityUnits ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  const sim = stack.clusters.get('prod');
  sim?.api.injectFaults({ latencyMs: LATENCY_MS });

  interface Snapshot {
    read: number;
    write: number;
    logs: number;
    workers: number;
    messages: number;
    events: number;
    metrics: number;
  }
  const snap = (): Snapshot => ({
    read: readUnits,
    write: writeUnits,
    logs: logBytes,
    workers: workerMs.length,
    messages: messageBytes.length,
    events: stack.events?.events.length ?? 0,
    metrics: stack.metrics.published.length,
  });
  /** What happened between two snapshots, with the invocations given (function → durations). */
  const usageSince = (from: Snapshot, invocations: Record<string, number[]>): Usage => {
    const to = snap();
    const emfBytes = stack.metrics.published
      .slice(from.metrics)
      .reduce((sum, doc) => sum + Buffer.byteLength(JSON.stringify(doc)) + 1, 0);
    const calls = Object.values(invocations).reduce((n, d) => n + d.length, 0);
    return addUsage(
      ...Object.entries(invocations).map(([fn, durations]) => lambdaUsage(durations, memoryOf(fn))),
      {
        dynamoReadUnits: to.read - from.read,
        dynamoWriteUnits: to.write - from.write,
        sqsRequests: sqsRequests(messageBytes.slice(from.messages), 1),
        eventBridgeEvents: to.events - from.events,
        logIngestGb: (to.logs - from.logs + emfBytes + calls * PLATFORM_LOG_BYTES) / 1e9,
        xrayTraces: calls,
      },
    );
  };
  const tick = async (): Promise<{ tickMs: number; workers: number[] }> => {
    const before = workerMs.length;
    const started = performance.now();
    await stack.tick();
    const total = performance.now() - started;
    const workers = workerMs.slice(before);
    // The tick function's own time: the local stack runs the workers right after it, in the same call.
    return { tickMs: Math.max(0, total - workers.reduce((a, b) => a + b, 0)), workers };
  };

  // Idle ticks: what the schedule costs with nothing under way (measured after a first, warming tick).
  await tick();
  now += 60_000;
  const idleStart = snap();
  const idleTicks: number[] = [];
  for (let i = 0; i < IDLE_TICKS; i++) {
    idleTicks.push((await tick()).tickMs);
    now += 60_000;
  }
  const perIdleTick = scaleUsage(usageSince(idleStart, { tick: idleTicks }), 1 / IDLE_TICKS);

  // One rollout: the signed deploy webhook, then one tick a minute until it is promoted.
  const client = createLocalClient({
    url: stack.url,
    deploySecret: stack.secrets.deploySecret,
    clock: () => now,
  });
  const runStart = snap();
  const deployStarted = performance.now();
  const deployed = await client.deploy({ target: 'checkout', revision: 'v2', image: 'example/checkout:2' });
  const deployMs = performance.now() - deployStarted;
  if (deployed.status !== 202) throw new Error(`deploy: ${deployed.status} ${JSON.stringify(deployed.body)}`);
  const rolloutId = (deployed.body as { rollout: { id: string } }).rollout.id;
  const tickMs: number[] = [];
  const workers: number[] = [];
  const slackMs: number[] = [];
  let phase = 'pending';
  for (let i = 0; i < 60 && !isTerminal(phase as never); i++) {
    if (phase === 'awaiting_approval') {
      // The default policy asks a person before promotion: one signed `/aviary approve` from Slack.
      const body = new URLSearchParams({
        command: '/aviary',
        text: `approve ${rolloutId} looks good`,
        user_id: APPROVER,
        user_name: 'approver',
        team_id: 'T0AVIARY',
        channel_id: 'C0CHECKOUT',
        response_url: stack.slack?.responseUrl('cost') ?? 'https://hooks.slack.com/commands/T0AVIARY/1/cost',
        trigger_id: '1.1.cost',
      }).toString();
      const started = performance.now();
      const answer = await fetch(new URL('/webhooks/slack', stack.url), {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...signSlackRequest(stack.secrets.slackSigningSecret, body, now),
        },
      });
      await answer.text();
      // The Slack function answers first, then finishes the work in a follow-up invocation.
      await stack.followUps.idle();
      slackMs.push(performance.now() - started);
      if (answer.status !== 200) throw new Error(`approve: ${answer.status}`);
    }
    now += 60_000;
    const t = await tick();
    tickMs.push(t.tickMs);
    workers.push(...t.workers);
    phase = (await stack.app.engine.status(rolloutId))?.phase ?? 'unknown';
  }
  const measured = usageSince(runStart, {
    deployWebhook: [deployMs],
    // The answer and its follow-up: two invocations of the Slack function, timed together (counted as both).
    slackWebhook: slackMs.flatMap((ms) => [ms / 2, ms / 2]),
    tick: tickMs,
    clusterWorker: workers,
  });
  // The rollout's own cost: what it added to the ticks it spanned.
  const perRollout = addUsage(subtractUsage(measured, scaleUsage(perIdleTick, tickMs.length)), {
    httpApiRequests: 1 + slackMs.length,
  });
  const rolloutsPerMonth = PER_DAY * DAYS_PER_MONTH;
  const metricNames = new Set(
    stack.metrics.published.flatMap((doc) =>
      (
        (doc as { _aws?: { CloudWatchMetrics?: { Metrics?: { Name: string }[] }[] } })._aws
          ?.CloudWatchMetrics ?? []
      )
        .flatMap((m) => m.Metrics ?? [])
        .map((m) => m.Name),
    ),
  );
  const fixedPerMonth = addUsage(scaleUsage(perIdleTick, TICKS_PER_MONTH), {
    sqsRequests: IDLE_POLL_REQUESTS_PER_MONTH,
    alarmMonths: alarms,
    customMetricMonths: metricNames.size,
  });
  const month = addUsage(scaleUsage(perRollout, rolloutsPerMonth), fixedPerMonth);

  const rolloutLines = costLines(perRollout, US_EAST_1);
  const fixedLines = costLines(fixedPerMonth, US_EAST_1);
  const monthLines = costLines(month, US_EAST_1);
  const usd = (n: number) => `$${n < 0.01 ? n.toFixed(6) : n.toFixed(4)}`;
  const qty = (n: number) => (Number.isInteger(n) ? String(n) : n < 1 ? n.toPrecision(3) : n.toFixed(2));
  const table = (title: string, lines: ReturnType<typeof costLines>) => {
    out(`\n${title}\n| item | quantity | USD |\n|---|---:|---:|\n`);
    for (const l of lines) out(`| ${ITEMS[l.item]} | ${qty(l.quantity)} | ${usd(l.usd)} |\n`);
    out(`| **total** | | **${usd(totalUsd(lines))}** |\n`);
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

  out(
    `bench:cost — one rollout of ${config.policies.tenSteps?.stepWeights?.length} steps (one check a minute), Kubernetes API latency ${LATENCY_MS} ms\n` +
      `rollout ${rolloutId}: ${phase} after ${tickMs.length} ticks; ${workers.length} worker invocations (median ${median(workers).toFixed(0)} ms), ` +
      `tick median ${median(tickMs).toFixed(0)} ms (idle ${median(idleTicks).toFixed(0)} ms), deploy webhook ${deployMs.toFixed(0)} ms, ${slackMs.length} Slack approval ${slackMs.map((ms) => ms.toFixed(0)).join(', ')} ms; ` +
      `memory from serverless.yml: ${memoryOf('clusterWorker')} MB worker, ${memoryOf('tick')} MB tick\n` +
      `DynamoDB: ${qty(measured.dynamoReadUnits ?? 0)} RRU, ${qty(measured.dynamoWriteUnits ?? 0)} WRU over the run (as reported by DynamoDB Local${unreported ? `; ${unreported} calls reported no capacity` : ''}); ` +
      `${messageBytes.length - runStart.messages} SQS messages; ${measured.eventBridgeEvents ?? 0} events; ${((measured.logIngestGb ?? 0) * 1e6).toFixed(1)} kB of logs\n`,
  );
  table('Per rollout (what it adds to the schedule)', rolloutLines);
  table(
    `Fixed per month (${TICKS_PER_MONTH} scheduled ticks, idle SQS polling, ${alarms} alarms, ${metricNames.size} custom metrics)`,
    fixedLines,
  );
  table(`Per month at ${PER_DAY} rollouts a day (${rolloutsPerMonth} rollouts)`, monthLines);
  const allIn = totalUsd(monthLines) / rolloutsPerMonth;
  const own = totalUsd(rolloutLines);
  out(
    `\nper rollout: ${usd(own)} its own work, ${usd(allIn)} with the month's fixed cost shared (${(allIn / TARGET_USD).toFixed(2)}× the target)\n`,
  );
  out(
    `${allIn <= TARGET_USD ? 'MET    ' : 'NOT MET'} ≤ $${TARGET_USD} per rollout at ${PER_DAY} rollouts a day: ${usd(allIn)}\n`,
  );
  process.exitCode = allIn <= TARGET_USD ? 0 : 1;
} finally {
  await stack.close();
  clusterAgents.destroy();
  await dynamo.stop();
}

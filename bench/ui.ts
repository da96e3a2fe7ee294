// `npm run bench:ui [-- --windows N] [--runs N]`
//
// The /ui pages on the local stack (the status function behind the local HTTP API, DynamoDB Local, a simulated
// cluster), measured against their targets: each page under 200 KB, and rendered by Chromium in under a second
// (navigation start to the load event, server time included). Pages: the list, the demo's promoted and rolled-back
// rollouts, and a rollout left awaiting approval for `--windows` analysis windows (its history is the longest a
// page draws). Medians of `--runs` loads each.
import { parseArgs } from 'node:util';
import { launchChromium } from '../lib/local/chromium.js';
import { runDemo } from '../lib/local/demo.js';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { startEmbeddedStack } from '../lib/local/embedded-stack.js';
import { createLocalClient } from '../lib/local/local-client.js';
import { startTickLoop } from '../lib/local/tick-loop.js';
import { AviaryConfigSchema } from '../lib/model/config.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: { windows: { type: 'string', default: '150' }, runs: { type: 'string', default: '7' } },
});
const WINDOWS = Number(values.windows);
const RUNS = Number(values.runs);
const MAX_BYTES = 200 * 1024;
const MAX_RENDER_MS = 1000;
const INTERVAL_MS = 30_000;

const config = AviaryConfigSchema.parse({
  clusters: {
    sim: { kind: 'simulated', requestsPerSecond: 200, faultyErrorRate: 0.1, deploymentRolloutSeconds: 0 },
  },
  policies: {
    demo: {
      stepWeights: [10, 25, 50],
      intervalSeconds: INTERVAL_MS / 1000,
      progressDeadlineSeconds: 600,
      checks: { minSuccessRate: 95, maxP99LatencyMs: 500, minRequests: 20 },
      approval: { beforePromotion: true, timeoutSeconds: 7 * 24 * 3600 },
    },
  },
  targets: {
    podinfo: {
      cluster: 'sim',
      namespace: 'demo',
      service: 'podinfo',
      primary: { service: 'podinfo-primary', deployment: 'podinfo-primary' },
      canary: { service: 'podinfo-canary', deployment: 'podinfo-canary' },
      policy: 'demo',
      approvers: ['U0AVIARY01'],
      slackChannel: 'C0DEPLOYS',
    },
  },
});

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

let now = Date.UTC(2026, 10, 26, 12, 0, 0);
const clock = () => now;
const dynamo = await startDynamoDbLocal();
const stack = await startEmbeddedStack({ config, dynamo, clock, logLevel: 'SILENT', seed: 3 });
const client = createLocalClient({
  url: stack.url,
  deploySecret: stack.secrets.deploySecret,
  slackSigningSecret: stack.secrets.slackSigningSecret,
  clock,
  ...(stack.slack ? { responseUrl: stack.slack.responseUrl('bench') } : {}),
});
const browser = await launchChromium();
try {
  // Simulated time runs ahead: each tick is one analysis interval later.
  const loop = startTickLoop(
    () => {
      now += INTERVAL_MS;
      return stack.tick();
    },
    5,
    (error) => {
      throw error;
    },
  );
  const demo = await runDemo({
    stack,
    client,
    target: 'podinfo',
    write: () => {},
    pollMs: 10,
    rolloutTimeoutMs: 120_000,
  });
  await loop.stop();

  const started = await client.deploy({
    target: 'podinfo',
    revision: '6.5.3',
    image: 'ghcr.io/stefanprodan/podinfo:6.5.3',
    actor: 'bench',
  });
  const waitingId = (started.body as { rollout?: { id: string } }).rollout?.id;
  if (started.status >= 300 || !waitingId) throw new Error(`deploy refused: ${JSON.stringify(started.body)}`);
  for (let i = 0; i < 60 && (await client.rollout(waitingId)).phase !== 'awaiting_approval'; i++) {
    now += INTERVAL_MS;
    await stack.tick();
  }
  for (let i = 0; i < WINDOWS; i++) {
    now += INTERVAL_MS;
    await stack.tick();
  }
  const waiting = await client.rollout(waitingId);
  if (waiting.phase !== 'awaiting_approval')
    throw new Error(`${waitingId} is ${waiting.phase}, not awaiting approval`);

  const pages = [
    { name: 'list (/ui)', path: '/ui', decisions: 0 },
    {
      name: `promoted (${demo.healthy.id})`,
      path: `/ui/rollouts/${demo.healthy.id}`,
      decisions: demo.healthy.history.length,
    },
    {
      name: `rolled back (${demo.faulty.id})`,
      path: `/ui/rollouts/${demo.faulty.id}`,
      decisions: demo.faulty.history.length,
    },
    {
      name: `awaiting approval (${waitingId})`,
      path: `/ui/rollouts/${waitingId}`,
      decisions: waiting.history.length,
    },
  ];
  process.stdout.write(
    `bench:ui — ${RUNS} loads per page in headless Chromium on the local stack; targets: < ${MAX_BYTES / 1024} KB, < ${MAX_RENDER_MS} ms\n\n`,
  );
  process.stdout.write(
    `${'page'.padEnd(34)}${'decisions'.padStart(10)}${'size KB'.padStart(10)}${'× target'.padStart(10)}${'server ms'.padStart(11)}${'render ms'.padStart(11)}${'× target'.padStart(10)}\n`,
  );
  const verdicts: string[] = [];
  for (const page of pages) {
    const url = `${stack.url}${page.path}`;
    const server: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const response = await fetch(url);
      const body = await response.arrayBuffer();
      server.push(performance.now() - t0);
      if (response.status !== 200) throw new Error(`${page.path}: HTTP ${response.status}`);
      bytes = body.byteLength;
    }
    const render: number[] = [];
    const tab = await browser.newPage();
    for (let i = 0; i < RUNS; i++) {
      await tab.goto(url, { waitUntil: 'load' });
      // Evaluated in the page (a string: the page's DOM types are not this program's).
      const loaded = await tab.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; })()",
      );
      render.push(Number(loaded));
    }
    await tab.close();
    const kb = bytes / 1024;
    const renderMs = median(render);
    process.stdout.write(
      `${page.name.padEnd(34)}${String(page.decisions).padStart(10)}${kb.toFixed(1).padStart(10)}${(bytes / MAX_BYTES).toFixed(3).padStart(10)}${median(server).toFixed(1).padStart(11)}${renderMs.toFixed(1).padStart(11)}${(renderMs / MAX_RENDER_MS).toFixed(3).padStart(10)}\n`,
    );
    verdicts.push(
      `${bytes < MAX_BYTES ? 'MET' : 'NOT MET'}: ${page.name} is ${kb.toFixed(1)} KB (< ${MAX_BYTES / 1024} KB)`,
    );
    verdicts.push(
      `${renderMs < MAX_RENDER_MS ? 'MET' : 'NOT MET'}: ${page.name} renders in ${renderMs.toFixed(0)} ms (< ${MAX_RENDER_MS} ms)`,
    );
  }
  process.stdout.write(`\n${verdicts.join('\n')}\n`);
} finally {
  await browser.close();
  await stack.close();
  await dynamo.stop();
}

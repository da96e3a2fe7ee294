#!/usr/bin/env node
// `npm start`: the whole product on this machine — real handlers, DynamoDB Local, a simulated cluster — and a demo.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { SECRET_ENV } from '../lib/app/secrets.js';
import { ConfigError } from '../lib/config/config-errors.js';
import { defaultConfigPath, loadConfig } from '../lib/config/load-config.js';
import { runDemo } from '../lib/local/demo.js';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { startEmbeddedStack } from '../lib/local/embedded-stack.js';
import { runFleetDemo } from '../lib/local/fleet-demo.js';
import { withKubeContext } from '../lib/local/kube-context.js';
import { createLocalClient } from '../lib/local/local-client.js';
import { localSecrets } from '../lib/local/local-secrets.js';
import { LOCAL_SESSION_FILE, writeLocalSession } from '../lib/local/local-session.js';
import { runScenarioDemo } from '../lib/local/scenario-demo.js';
import { withScenarioMetrics } from '../lib/local/scenario-traffic.js';
import { startTickLoop } from '../lib/local/tick-loop.js';
import { loadScenario, type Scenario, ScenarioError } from '../lib/sim/scenario.js';

// Local runs use the developer's Node; Lambda runs nodejs22.x, which the SDK's warning is about.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const port = Number(process.env.PORT ?? 3000);
const tickMs = Math.round(Number(process.env.AVIARY_TICK_SECONDS ?? 2) * 1000);
const kubeconfigPath = path.join('.aviary', 'kubeconfig');

let config: ReturnType<typeof loadConfig>;
try {
  config = withKubeContext(loadConfig(), process.env.AVIARY_KUBE_CONTEXT);
} catch (error: unknown) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
// `npm start -- --scenario <file>` (or AVIARY_SCENARIO): the simulated mesh serves that scenario's traffic.
const scenarioFile = scenarioArgument(process.argv.slice(2)) ?? process.env.AVIARY_SCENARIO;
let scenario: Scenario | undefined;
if (scenarioFile) {
  try {
    scenario = (await loadScenario(scenarioFile)).scenario;
  } catch (error: unknown) {
    process.stderr.write(`${error instanceof ScenarioError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  config = withScenarioMetrics(config, scenario);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be a port number, got "${process.env.PORT}"\n`);
  process.exit(1);
}
if (!(tickMs > 0)) {
  process.stderr.write(
    `AVIARY_TICK_SECONDS must be a positive number, got "${process.env.AVIARY_TICK_SECONDS}"\n`,
  );
  process.exit(1);
}

write(
  `Aviary — local stack from ${path.relative(process.cwd(), defaultConfigPath()) || defaultConfigPath()}`,
);
write('  starting DynamoDB Local (Java) …');
const dynamo = await startDynamoDbLocal();
const secrets = localSecrets(process.env);
const stack = await startEmbeddedStack({
  config,
  secrets,
  port,
  dynamo,
  tableName: 'aviary-local-rollouts',
  kubeconfigPath,
  ...(scenario ? { scenario } : {}),
  logLevel: logLevel(process.env.AVIARY_LOG_LEVEL),
  log: (level, message, data) => {
    if (level === 'error' || level === 'warn')
      write(`  [${level}] ${message} ${data ? JSON.stringify(data) : ''}`);
  },
}).catch(async (error: unknown) => {
  await dynamo.stop();
  throw error;
});
writeLocalSession({
  url: stack.url,
  pid: process.pid,
  deploySecret: secrets.deploySecret,
  slackSigningSecret: secrets.slackSigningSecret,
  githubWebhookSecret: secrets.githubWebhookSecret,
  kubeconfig: stack.clusters.size > 0 ? kubeconfigPath : null,
  ...(stack.events ? { eventsUrl: stack.events.eventsUrl } : {}),
});
const loop = startTickLoop(
  () => stack.tick(),
  tickMs,
  (error) => write(`  [tick] ${error instanceof Error ? error.message : String(error)}`),
);

let closing = false;
const shutdown = async (code: number): Promise<void> => {
  if (closing) return;
  closing = true;
  write('\nstopping …');
  await loop.stop();
  await stack.close();
  await dynamo.stop();
  rmSync(LOCAL_SESSION_FILE, { force: true });
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

write(
  `  API          ${stack.url}  (POST /webhooks/{deploy,github,slack}, GET /rollouts[/{id}], POST /rollouts/{id}/commands)`,
);
write(
  `  pages        ${stack.url}/ui  (rollouts and their timelines; open on 127.0.0.1, signed links on AWS)`,
);
write(`  DynamoDB     ${dynamo.endpoint}  table ${stack.tableName}`);
for (const cluster of stack.clusters.values())
  write(`  cluster      ${cluster.name}: simulated, ${cluster.api.url}`);
if (stack.clusters.size > 0) write(`  kubeconfig   ${kubeconfigPath}`);
if (stack.slack) write(`  Slack API    ${stack.slack.apiUrl} (local Web API double)`);
if (stack.github) write(`  GitHub API   ${stack.github.apiUrl} (local REST API double: deployment statuses)`);
if (stack.events)
  write(`  EventBridge  ${stack.events.endpoint} (local double: events shown by aviary get rollout)`);
write(`  tick         every ${tickMs / 1000} s (EventBridge rate(1 minute) on AWS)`);
const secretsFromEnv = Object.values(SECRET_ENV).filter((name) => process.env[name]).length;
write(
  `  secrets      ${secretsFromEnv > 0 ? `${secretsFromEnv} from the environment, the rest` : 'all'} random for this run (CLI reads ${LOCAL_SESSION_FILE})`,
);

const client = createLocalClient({
  url: stack.url,
  deploySecret: secrets.deploySecret,
  slackSigningSecret: secrets.slackSigningSecret,
});
const demoTarget = Object.keys(config.targets).find((name) => stack.clusters.has(stack.target(name).cluster));
// A configuration with a fleet on simulated clusters shows the fleet instead (examples/fleet.yaml).
const demoFleet = Object.entries(config.fleets).find(([, fleet]) =>
  fleet.waves.every((w) => w.targets.every((t) => stack.clusters.has(stack.target(t).cluster))),
)?.[0];
if (process.env.AVIARY_DEMO !== '0' && scenario && demoTarget) {
  try {
    const { rollout, outcome } = await runScenarioDemo({
      stack,
      client,
      target: demoTarget,
      write,
      scenario,
    });
    write(
      `\nDemo done: ${rollout.id} ${outcome} (scenario ${scenario.name} expects ${scenario.expected === 'rollback' ? 'rolled_back' : 'promoted'}).`,
    );
    write(`  see it:  ${stack.url}/ui/rollouts/${rollout.id}`);
  } catch (error) {
    write(`\nDemo stopped: ${error instanceof Error ? error.message : String(error)}`);
  }
} else if (process.env.AVIARY_DEMO !== '0' && demoFleet) {
  try {
    const outcome = await runFleetDemo({ stack, client, fleet: demoFleet, write });
    write(`\nDemo done: fleet rollout ${outcome.id} ${outcome.phase}.`);
  } catch (error) {
    write(`\nDemo stopped: ${error instanceof Error ? error.message : String(error)}`);
  }
} else if (process.env.AVIARY_DEMO !== '0' && demoTarget) {
  try {
    const outcome = await runDemo({ stack, client, target: demoTarget, write });
    write(
      `\nDemo done: ${outcome.healthy.id} ${outcome.healthy.phase}, ${outcome.faulty.id} ${outcome.faulty.phase}.`,
    );
    write(
      `  see them:  ${stack.url}/ui/rollouts/${outcome.healthy.id}  ${stack.url}/ui/rollouts/${outcome.faulty.id}`,
    );
  } catch (error) {
    write(`\nDemo stopped: ${error instanceof Error ? error.message : String(error)}`);
  }
}
if (process.env.AVIARY_EXIT_AFTER_DEMO === '1') await shutdown(0);

const t = demoTarget ?? Object.keys(config.targets)[0] ?? 'podinfo';
const approver = (demoTarget && stack.target(demoTarget).approvers[0]) || 'U0AVIARY01';
const ns = demoTarget ? stack.target(demoTarget).namespace : 'demo';
write(`
Aviary keeps serving at ${stack.url} — try, in another terminal:
  npm run aviary -- get rollouts
  npm run aviary -- get rollout ${t}-1 -w
  open ${stack.url}/ui in a browser, or: npm run aviary -- open ${t}-1
  npm run aviary -- deploy --target ${t} --revision 6.5.3 --image ghcr.io/stefanprodan/podinfo:6.5.3
  npm run aviary -- status ${t}-1 --wait          (exit 0 promoted, 1 failed or superseded, 2 timeout)
  npm run aviary -- approve ${t}                   (also reject, pause, resume, abort, promote --reason, retry)
  npm run aviary -- slack --user ${approver} "approve ${t}"
  kubectl --kubeconfig ${kubeconfigPath} get trafficsplits -n ${ns} -w
  curl -s ${stack.url}/rollouts${
    demoFleet
      ? `
  curl -s ${stack.url}/rollouts/${demoFleet}          (the fleet's latest rollout, a row per wave)
  npm run aviary -- deploy --target ${demoFleet} --revision 6.5.3 --image ghcr.io/stefanprodan/podinfo:6.5.3
  npm run aviary -- slack --user ${approver} "approve ${demoFleet}"
  npm run aviary -- slack --user ${approver} "unfreeze <rollout-id> <reason>"`
      : ''
  }
Ctrl-C stops everything.`);

/** The value of `--scenario <file>` or `--scenario=<file>`, if given. */
function scenarioArgument(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--scenario') return args[i + 1];
    if (arg.startsWith('--scenario=')) return arg.slice('--scenario='.length);
  }
  return undefined;
}

/** The functions' log level (`AVIARY_LOG_LEVEL`); warnings and errors by default, so the demo stays readable. */
function logLevel(value: string | undefined): 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' {
  const level = (value ?? 'WARN').toUpperCase();
  const levels = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
  return levels.find((l) => l === level) ?? 'WARN';
}

import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { makeClusterWorkerHandler } from '../../functions/cluster-worker.js';
import { makeDeployWebhookHandler } from '../../functions/deploy-webhook.js';
import { makeGithubWebhookHandler } from '../../functions/github-webhook.js';
import { makeRolloutsApiHandler } from '../../functions/rollouts-api.js';
import { makeSlackWebhookHandler } from '../../functions/slack-webhook.js';
import { makeTickHandler } from '../../functions/tick.js';
import type { App, ClusterEngineApp, Secrets } from '../app/app.js';
import { createApp } from '../app/create-app.js';
import { createClusterEngineApp } from '../app/create-cluster-engine-app.js';
import { createTickApp } from '../app/create-tick-app.js';
import { runFollowUp } from '../app/run-follow-up.js';
import { createClusterConnector } from '../cluster/create-connector.js';
import { resolveTarget } from '../config/config-lookup.js';
import type { BudgetTimer } from '../engine/cluster-fanout.js';
import type { ClusterEngine, TickSummary } from '../engine/engine.js';
import type { EngineLog } from '../engine/engine-deps.js';
import { mergeTickSummaries } from '../engine/tick-summary.js';
import type { Sleep } from '../engine/transient-retry.js';
import { createGithubStatuses, type GithubStatuses } from '../github/deployment-statuses.js';
import type { AviaryConfig, ResolvedTarget } from '../model/config.js';
import { createEventBridgeNotifier } from '../notify/eventbridge-notifier.js';
import { createInProcessFollowUps, type InProcessFollowUps } from '../notify/in-process-follow-ups.js';
import type { Notifier } from '../notify/notifier.js';
import { outboundNotifier } from '../notify/outbound-notifier.js';
import { createSlackNotifier } from '../notify/slack-notifier.js';
import { createSlackResponder, type SlackResponder } from '../notify/slack-responder.js';
import type { ClusterWork } from '../queue/cluster-work.js';
import { viewLinkUrl } from '../signatures/view-link.js';
import { type SimulatedCluster, startSimulatedCluster } from '../sim/cluster/simulated-cluster.js';
import { type EventBridgeDouble, startEventBridgeDouble } from '../sim/eventbridge-double.js';
import { type GithubApiDouble, startGithubApiDouble } from '../sim/github-api-double.js';
import type { Scenario } from '../sim/scenario.js';
import { type SlackApiDouble, startSlackApiDouble } from '../sim/slack-api-double.js';
import { DynamoDbFleetStore } from '../store/dynamodb-fleet-store.js';
import { DynamoDbRequestLedger } from '../store/dynamodb-request-ledger.js';
import { DynamoDbRolloutStore } from '../store/dynamodb-store.js';
import type { RolloutStore } from '../store/rollout-store.js';
import { type DynamoDbLocal, localDynamoClients, startDynamoDbLocal } from './dynamodb-local.js';
import { type HttpGateway, startHttpGateway } from './http-gateway.js';
import { writeKubeconfigFile } from './kubeconfig-file.js';
import { localLambdaContext } from './lambda-context.js';
import { localSecrets } from './local-secrets.js';
import { LocalWorkQueue } from './local-work-queue.js';
import { RecordingMetrics } from './recording-metrics.js';

export interface EmbeddedStackOptions {
  config: AviaryConfig;
  /** Defaults to fresh random secrets: the stack signs its own demo requests. */
  secrets?: Secrets;
  /** Port of the local API (the Lambda functions behind an HTTP API); 0 picks a free one. */
  port?: number;
  /** Where to write a kubeconfig for the simulated clusters (for kubectl); not written when omitted. */
  kubeconfigPath?: string;
  /** An already running DynamoDB Local to reuse (tests share one per file); started and stopped here otherwise. */
  dynamo?: DynamoDbLocal;
  tableName?: string;
  /** The engine's and the signature checks' clock; tests drive it by hand. */
  clock?: () => number;
  /** Seed of the traffic simulator. */
  seed?: number;
  /** Scenario traffic for every simulated cluster (bench/scenarios); the image-tag rule otherwise. */
  scenario?: Scenario;
  log?: EngineLog;
  /** Log level of the functions' Powertools logger (`SILENT` in tests). */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Slack: the Web API double by default; `false` for no Slack at all. */
  slack?: boolean;
  /** Wraps the rollouts store of every function (tests put a stale index in front of it). */
  wrapStore?: (store: RolloutStore) => RolloutStore;
  /** When the tick's per-cluster budgets run out; real time by default (tests drive it by events). */
  budgetTimer?: BudgetTimer;
  /** The waits between a rollback's traffic write attempts; real time by default (chaos runs wait on nothing). */
  sleep?: Sleep;
  /** GitHub deployment statuses: the REST API double by default; `false` for none. */
  github?: boolean;
  /** Events out: the EventBridge double (the real SDK client against it) by default; `false` for none. */
  events?: boolean;
  /**
   * The /ui pages open without a signed link (the default: the stack listens on 127.0.0.1 only); `false` to
   * require signed links as on AWS.
   */
  openViews?: boolean;
  /** The scheduled function's and the cluster worker's timeout, as configured on Lambda (60 s by default). */
  tickTimeoutMs?: number;
  /** Wraps the cluster worker's cluster engine: tests inject a worker that crashes mid-batch. */
  wrapClusterEngine?: (clusterEngine: ClusterEngine) => ClusterEngine;
}

/** Everything `npm start` runs, in one process: the same functions and adapters as on AWS, on local parts. */
export interface EmbeddedStack {
  app: App;
  /** The cluster worker's composition (routers, metric sources, cluster access). */
  clusterEngineApp: ClusterEngineApp;
  /** The work queue between the tick and the cluster workers (SQS FIFO on AWS). */
  queue: LocalWorkQueue;
  /** Base URL of the local HTTP API: `POST /webhooks/{deploy,github,slack}`, `GET /rollouts[/{id}]`. */
  url: string;
  secrets: Secrets;
  tableName: string;
  dynamo: DynamoDbLocal;
  /** The client behind the functions' store (its own, not `dynamo.client`): where chaos runs inject faults. */
  storeClient: DynamoDBClient;
  clusters: Map<string, SimulatedCluster>;
  slack: SlackApiDouble | null;
  /** The GitHub REST API double: the deployment statuses Aviary posted. */
  github: GithubApiDouble | null;
  /** The EventBridge double: the "Aviary Rollout State Change" events put on the bus. */
  events: EventBridgeDouble | null;
  /** The Slack work handed over after answering Slack; `idle()` waits for it. */
  followUps: InProcessFollowUps;
  /** The EMF documents the tick function published (CloudWatch metrics on AWS). */
  metrics: RecordingMetrics;
  /**
   * Runs the scheduled function once, with an EventBridge scheduled event, as the `rate(1 minute)` rule would,
   * then the cluster workers on what it queued (as the SQS trigger would); answers what the workers did.
   */
  tick(): Promise<TickSummary>;
  /** Delivers whatever is visible on the work queue again (after a worker failed and the clock moved on). */
  drain(): Promise<TickSummary>;
  target(name: string): ResolvedTarget;
  close(): Promise<void>;
}

/**
 * Starts DynamoDB Local (or reuses one), the rollouts table, a simulated cluster per `kind: simulated` cluster,
 * the Slack Web API double, and the Lambda handlers behind a local HTTP API. Clusters of other kinds are reached
 * for real (kubeconfig or EKS). Whatever started is stopped again if a later part fails.
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const { config } = options;
  const secrets = options.secrets ?? localSecrets({});
  const clock = options.clock ?? Date.now;
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    cleanups.length = 0;
  };
  try {
    const dynamo = options.dynamo ?? (await startDynamoDbLocal());
    if (!options.dynamo) cleanups.push(() => dynamo.stop());
    const tableName = options.tableName ?? `aviary-local-${randomBytes(4).toString('hex')}`;
    await dynamo.createTable(tableName);
    const storeClients = localDynamoClients(dynamo.endpoint);
    cleanups.push(async () => storeClients.client.destroy());

    const clusters = new Map<string, SimulatedCluster>();
    let seed = options.seed ?? 1;
    for (const [name, cluster] of Object.entries(config.clusters)) {
      if (cluster.kind !== 'simulated') continue;
      const targets = Object.keys(config.targets)
        .map((t) => resolveTarget(config, t))
        .filter((t): t is ResolvedTarget => t !== null && t.cluster === name);
      const simulated = await startSimulatedCluster({
        name,
        cluster,
        targets,
        seed: seed++,
        clock,
        ...(options.scenario ? { scenario: options.scenario } : {}),
      });
      cleanups.push(() => simulated.close());
      clusters.set(name, simulated);
    }
    if (options.kubeconfigPath && clusters.size > 0) {
      writeKubeconfigFile(
        options.kubeconfigPath,
        [...clusters.values()].map((c) => ({
          contextName: c.name,
          server: c.api.url,
          caPem: c.api.caPem,
          token: c.api.token,
        })),
      );
    }

    let baseUrl: string | null = null;
    let slack: SlackApiDouble | null = null;
    let notifier: Notifier = { publish: async () => null };
    let respond: SlackResponder | undefined;
    if (options.slack !== false && secrets.slackBotToken) {
      slack = await startSlackApiDouble({ token: secrets.slackBotToken });
      const double = slack;
      cleanups.push(() => double.close());
      notifier = createSlackNotifier({
        token: secrets.slackBotToken,
        apiUrl: slack.apiUrl,
        // The gateway starts after the notifier is built; its URL is known before any rollout is published.
        viewLink: (rollout) =>
          baseUrl && secrets.viewSecret
            ? viewLinkUrl(baseUrl, secrets.viewSecret, { kind: 'rollout', id: rollout.id }, clock())
            : null,
      });
      respond = createSlackResponder({ allowedOrigins: [new URL(slack.apiUrl).origin] });
    }

    let github: GithubApiDouble | null = null;
    let githubStatuses: GithubStatuses | undefined;
    if (options.github !== false && secrets.githubToken) {
      github = await startGithubApiDouble({ token: secrets.githubToken });
      const double = github;
      cleanups.push(() => double.close());
      githubStatuses = createGithubStatuses({ token: secrets.githubToken, apiUrl: github.apiUrl });
    }
    let events: EventBridgeDouble | null = null;
    let eventsNotifier: Notifier | undefined;
    if (options.events !== false) {
      events = await startEventBridgeDouble();
      const double = events;
      cleanups.push(() => double.close());
      eventsNotifier = createEventBridgeNotifier({
        client: new EventBridgeClient({
          endpoint: events.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
      });
    }
    notifier = outboundNotifier({
      slack: notifier,
      github: githubStatuses,
      events: eventsNotifier,
      // GitHub's "View deployment" opens the rollout's page (a signed view link; the JSON API without a view secret).
      logUrl: (rollout) =>
        baseUrl
          ? secrets.viewSecret
            ? viewLinkUrl(baseUrl, secrets.viewSecret, { kind: 'rollout', id: rollout.id }, clock())
            : `${baseUrl}/rollouts/${encodeURIComponent(rollout.id)}`
          : undefined,
      log: (message, data) => options.log?.('warn', message, data),
    });

    // The Slack work that follows an answer, run in this process after the answer (Lambda invokes itself).
    let built: App | undefined;
    const followUps = createInProcessFollowUps(
      async (work) => {
        if (built) await runFollowUp(built, work);
      },
      (message, data) => options.log?.('warn', message, data),
    );
    cleanups.push(() => followUps.idle());
    // Compositions over the same table, as on Lambda: the HTTP functions never reach a cluster.
    const table = new DynamoDbRolloutStore({ client: storeClients.doc, tableName });
    const store = options.wrapStore ? options.wrapStore(table) : table;
    const composed = createApp({
      followUps,
      config,
      secrets,
      ...(githubStatuses ? { github: githubStatuses } : {}),
      store,
      fleets: new DynamoDbFleetStore({ client: storeClients.doc, tableName }),
      requests: new DynamoDbRequestLedger({ client: storeClients.doc, tableName }),
      notifier,
      ...(respond ? { respond } : {}),
      // The local API listens on loopback only: commands need no IAM principal here.
      openCommands: true,
      clock,
      ...(options.log ? { log: options.log } : {}),
    });
    const clusterEngineApp = createClusterEngineApp({
      config,
      store,
      connector: createClusterConnector({
        simulated: (name) => {
          const cluster = clusters.get(name);
          if (!cluster) throw new Error(`simulated cluster "${name}" is not running`);
          return cluster.kubeConfig();
        },
      }),
      notifier,
      clock,
      ...(options.log ? { log: options.log } : {}),
      ...(options.budgetTimer ? { budgetTimer: options.budgetTimer } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    const app: App = { ...composed, openViews: options.openViews ?? true };
    built = app;
    const getApp = async (): Promise<App> => app;
    const logger = new Logger({ serviceName: 'aviary-local', logLevel: options.logLevel ?? 'WARN' });
    const api = makeRolloutsApiHandler(getApp, logger);
    const gateway: HttpGateway = await startHttpGateway({
      ...(options.port === undefined ? {} : { port: options.port }),
      routes: [
        { method: 'POST', path: '/webhooks/deploy', handler: makeDeployWebhookHandler(getApp, logger) },
        { method: 'POST', path: '/webhooks/github', handler: makeGithubWebhookHandler(getApp, logger) },
        { method: 'POST', path: '/webhooks/slack', handler: makeSlackWebhookHandler(getApp, logger) },
        { method: 'GET', path: '/rollouts', handler: api },
        { method: 'GET', path: '/rollouts/{id}', handler: api },
        { method: 'POST', path: '/rollouts/{id}/commands', handler: api },
        { method: 'GET', path: '/ui', handler: api },
        { method: 'GET', path: '/ui/rollouts/{id}', handler: api },
      ],
    });
    cleanups.push(() => gateway.close());
    baseUrl = gateway.url;
    const metrics = new RecordingMetrics({ namespace: 'Aviary', serviceName: 'aviary-local' });
    // Tick → queue → worker, as on AWS: the worker's summaries are kept per message for `tick()` to answer with.
    const queue = new LocalWorkQueue({ clock, visibilityTimeoutMs: 6 * 60_000 });
    const worked = new Map<string, TickSummary>();
    const workKey = (w: ClusterWork): string => `${w.cluster}.${w.dueAt}.${w.rollouts.join(',')}`;
    const clusterEngine = options.wrapClusterEngine
      ? options.wrapClusterEngine(clusterEngineApp.clusterEngine)
      : clusterEngineApp.clusterEngine;
    const recording: ClusterEngine = {
      ...clusterEngine,
      work: async (w) => {
        const summary = await clusterEngine.work(w);
        worked.set(workKey(w), summary);
        return summary;
      },
    };
    const workerHandler = makeClusterWorkerHandler(
      async () => ({ ...clusterEngineApp, clusterEngine: recording }),
      logger,
      metrics,
    );
    // A fresh context (and deadline) per invocation: one made once would expire a minute into the stack's life,
    // and every later batch would time out at once and come back only after the visibility timeout.
    const drainQueue = async (): Promise<void> =>
      queue.drain((event) =>
        workerHandler(
          event,
          localLambdaContext('aviary-cluster-worker', options.tickTimeoutMs ?? 60_000, clock),
        ),
      );
    const collect = (sent: readonly ClusterWork[], at: number): TickSummary =>
      mergeTickSummaries(
        at,
        sent.flatMap((w) => {
          const summary = worked.get(workKey(w));
          return summary ? [summary] : [];
        }),
      );
    const tick = async (): Promise<TickSummary> => {
      const sent: ClusterWork[] = [];
      const tickApp = createTickApp({
        store,
        // Only what this tick queued (a duplicate of a concurrent tick's message is dropped, as SQS FIFO does).
        queue: { send: async (work) => void sent.push(...queue.enqueue(work)) },
        clock,
        ...(options.log ? { log: options.log } : {}),
        advanceFleets: () => composed.engine.advanceFleets(),
      });
      const dispatched = await makeTickHandler(
        async () => tickApp,
        logger,
        metrics,
      )(scheduledEvent(clock()), localLambdaContext('aviary-tick', options.tickTimeoutMs ?? 60_000, clock));
      await drainQueue();
      const summary = collect(sent, dispatched.at);
      return dispatched.fleets && dispatched.fleets.length > 0
        ? { ...summary, fleets: dispatched.fleets }
        : summary;
    };
    const drain = async (): Promise<TickSummary> => {
      const before = new Map(worked);
      await drainQueue();
      return mergeTickSummaries(
        clock(),
        [...worked.entries()].filter(([k, v]) => before.get(k) !== v).map(([, v]) => v),
      );
    };

    return {
      app,
      clusterEngineApp,
      queue,
      url: gateway.url,
      secrets,
      tableName,
      dynamo,
      storeClient: storeClients.client,
      clusters,
      slack,
      github,
      events,
      metrics,
      followUps,
      tick,
      drain,
      target: (name) => {
        const target = resolveTarget(config, name);
        if (!target) throw new Error(`unknown target "${name}"`);
        return target;
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function scheduledEvent(nowMs: number) {
  return {
    version: '0',
    id: randomBytes(16).toString('hex'),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'local',
    resources: ['arn:aws:events:local:000000000000:rule/aviary-tick'],
    detail: {},
  };
}

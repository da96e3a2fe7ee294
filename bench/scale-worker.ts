// One cluster worker in its own process, for `npm run bench:scale`: bundled as serverless.yml bundles the cluster
// worker, run with V8's heap capped at 256 MB, handed one SQS message (one cluster's due rollouts) through the
// real handler, against the bench's DynamoDB Local and Kubernetes API double. It prints its peak resident memory.
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KubeConfig } from '@kubernetes/client-node';
import type { Context, SQSEvent } from 'aws-lambda';
import { makeClusterWorkerHandler } from '../functions/cluster-worker.js';
import { createClusterEngineApp } from '../lib/app/create-cluster-engine-app.js';
import { createClusterConnector } from '../lib/cluster/create-connector.js';
import { RecordingMetrics } from '../lib/local/recording-metrics.js';
import { AviaryConfigSchema } from '../lib/model/config.js';
import { DynamoDbRolloutStore } from '../lib/store/dynamodb-store.js';
import { RESULT_MARK, type WorkerJob } from './scale-worker-job.js';

const job = JSON.parse(readFileSync(process.env.AVIARY_SCALE_WORKER_JOB ?? '', 'utf8')) as WorkerJob;
const rssAtStart = process.memoryUsage().rss;
const client = new DynamoDBClient({
  endpoint: job.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const store = new DynamoDbRolloutStore({
  client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
  tableName: job.tableName,
});
const kubeConfig = new KubeConfig();
kubeConfig.loadFromString(job.kubeconfig);
const app = createClusterEngineApp({
  config: AviaryConfigSchema.parse(job.config),
  store,
  connector: createClusterConnector({ simulated: () => kubeConfig }),
  notifier: { publish: async () => null },
  clock: () => job.now,
});
let judged = 0;
const handler = makeClusterWorkerHandler(
  async () => ({
    ...app,
    clusterEngine: {
      ...app.clusterEngine,
      work: async (w) => {
        const summary = await app.clusterEngine.work(w);
        judged += summary.rollouts.filter((r) => r.error === undefined).length;
        return summary;
      },
    },
  }),
  new Logger({ serviceName: 'aviary', logLevel: 'SILENT' }),
  new RecordingMetrics({ namespace: 'Aviary', serviceName: 'aviary' }),
);
const event: SQSEvent = {
  Records: [
    {
      messageId: 'bench-1',
      receiptHandle: 'bench-1#1',
      body: JSON.stringify(job.work),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(job.now),
        SenderId: 'AIDALOCAL',
        ApproximateFirstReceiveTimestamp: String(job.now),
        MessageGroupId: job.work.cluster,
        MessageDeduplicationId: `${job.work.cluster}.${job.work.dueAt}`,
        SequenceNumber: '1',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:aviary-work.fifo',
      awsRegion: 'us-east-1',
    },
  ],
};
const context = {
  functionName: 'aviary-cluster-worker',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:aviary-cluster-worker',
  memoryLimitInMB: '256',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/aviary-cluster-worker',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 60_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} as Context;
const started = performance.now();
const response = await handler(event, context);
const ms = performance.now() - started;
client.destroy();
process.stdout.write(
  `${RESULT_MARK}${JSON.stringify({
    judged,
    failures: response?.batchItemFailures.length ?? 0,
    ms,
    rssAtStartBytes: rssAtStart,
    // resourceUsage().maxRSS is in kilobytes: the peak of the process's whole life.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
  })}\n`,
);
process.exit(0);

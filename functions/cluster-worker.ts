// SQS FIFO trigger: one message per cluster with rollouts due; advances them within the cluster's time budget.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ClusterEngineApp } from '../lib/app/app.js';
import { lambdaClusterEngineApp } from '../lib/app/lambda-cluster-engine-app.js';
import { tickMetrics } from '../lib/engine/tick-metrics.js';
import { ClusterWorkSchema } from '../lib/queue/cluster-work.js';

/** A message the tick cannot have sent; it fails, is retried, and ends in the work queue's dead-letter queue. */
export class ClusterWorkError extends Error {
  override name = 'ClusterWorkError';
}

export const makeClusterWorkerHandler = (
  getApp: () => Promise<ClusterEngineApp>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  metrics: Metrics = new Metrics({ namespace: 'Aviary', serviceName: 'aviary' }),
  tracer?: Tracer,
) => {
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new ClusterWorkError(`message ${record.messageId} is not JSON`);
    }
    const work = ClusterWorkSchema.safeParse(body);
    if (!work.success) {
      logger.error('not a cluster work message', { messageId: record.messageId, issues: work.error.issues });
      throw new ClusterWorkError(`message ${record.messageId} is not cluster work`);
    }
    const { cluster, rollouts, dueAt } = work.data;
    logger.appendKeys({ cluster });
    try {
      const summary = await (await getApp()).clusterEngine.work(work.data);
      for (const [name, value] of Object.entries(tickMetrics(summary)))
        metrics.addMetric(name, MetricUnit.Count, value);
      logger.info('cluster worked', {
        dueAt,
        rollouts: rollouts.length,
        acted: summary.rollouts.filter((r) => r.action !== 'none').length,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        summary,
      });
    } catch (error) {
      // The message comes back after the queue's visibility timeout (its group waits behind it): say why.
      logger.error('cluster work failed; the message will be delivered again', {
        dueAt,
        rollouts,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      throw error;
    } finally {
      logger.removeKeys(['cluster']);
    }
  };
  return (
    middy<SQSEvent, SQSBatchResponse>()
      // X-Ray: a segment per invocation, with the DynamoDB, Kubernetes API and metric calls made in it.
      .use(tracer ? [captureLambdaHandler(tracer)] : [])
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .handler(async (event, context) =>
        // FIFO: a failed message fails the rest of its group (order kept), other clusters go on.
        processPartialResponse(event, recordHandler, new SqsFifoPartialProcessorAsync(), {
          context,
          skipGroupOnError: true,
        }),
      )
  );
};

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
const tracer = new Tracer({ serviceName: 'aviary' });
export const handler = makeClusterWorkerHandler(
  lambdaClusterEngineApp({ logger, tracer }),
  logger,
  undefined,
  tracer,
);

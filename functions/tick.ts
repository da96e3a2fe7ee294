// Scheduled every minute: hand each cluster's due rollouts to the cluster workers (one SQS message per cluster).
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import type { TickApp } from '../lib/app/create-tick-app.js';
import { lambdaTickApp } from '../lib/app/lambda-tick-app.js';
import type { DispatchSummary } from '../lib/engine/dispatch-due.js';

const ScheduledEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

export const makeTickHandler = (
  getApp: () => Promise<TickApp>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  metrics: Metrics = new Metrics({ namespace: 'Aviary', serviceName: 'aviary' }),
  tracer?: Tracer,
) =>
  middy<unknown, DispatchSummary>()
    // X-Ray: a segment per invocation, with the DynamoDB and SQS calls made in it.
    .use(tracer ? [captureLambdaHandler(tracer)] : [])
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const scheduled = ScheduledEventSchema.safeParse(event);
      if (!scheduled.success) {
        logger.error('not an EventBridge scheduled event', { issues: scheduled.error.issues });
        throw new Error('tick expects an EventBridge "Scheduled Event"');
      }
      const app = await getApp();
      // Fleets first, so a wave they start is dispatched (and judged) in this same tick. A fleet that cannot move
      // on must not stop the rollouts: its failure is logged and counted, and the dispatch goes on.
      const fleets = app.advanceFleets
        ? await app.advanceFleets().catch((error: unknown) => {
            logger.error('fleets could not be advanced; the next tick tries again', { error: String(error) });
            metrics.addMetric('FleetErrors', MetricUnit.Count, 1);
            return [];
          })
        : [];
      const summary = await app.dispatch();
      metrics.addMetric('DueRollouts', MetricUnit.Count, summary.due);
      metrics.addMetric('ClustersWithWork', MetricUnit.Count, summary.clusters.length);
      logger.info('tick', {
        scheduledAt: scheduled.data.time,
        due: summary.due,
        clusters: summary.clusters,
        ...(fleets.length > 0 ? { fleets } : {}),
      });
      return fleets.length > 0 ? { ...summary, fleets } : summary;
    });

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
const tracer = new Tracer({ serviceName: 'aviary' });
export const handler = makeTickHandler(lambdaTickApp({ logger, tracer }), logger, undefined, tracer);

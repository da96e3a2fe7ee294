// Scheduled every minute: advance due rollouts and converge every active rollout's cluster state.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import middy from '@middy/core';
import { z } from 'zod';
import type { FleetApp } from '../lib/app/app.js';
import { lambdaFleetApp } from '../lib/app/lambda-fleet-app.js';
import type { TickSummary } from '../lib/engine/engine.js';
import { tickMetrics } from '../lib/engine/tick-metrics.js';

const ScheduledEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

export const makeTickHandler = (
  getApp: () => Promise<FleetApp>,
  logger: Logger = new Logger({ serviceName: 'aviary' }),
  metrics: Metrics = new Metrics({ namespace: 'Aviary', serviceName: 'aviary' }),
) =>
  middy<unknown, TickSummary>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const scheduled = ScheduledEventSchema.safeParse(event);
      if (!scheduled.success) {
        logger.error('not an EventBridge scheduled event', { issues: scheduled.error.issues });
        throw new Error('tick expects an EventBridge "Scheduled Event"');
      }
      const summary = await (await getApp()).fleet.tick();
      const counts = tickMetrics(summary);
      for (const [name, value] of Object.entries(counts)) metrics.addMetric(name, MetricUnit.Count, value);
      logger.info('tick', {
        scheduledAt: scheduled.data.time,
        rollouts: counts.ActiveRollouts,
        acted: summary.rollouts.filter((r) => r.action !== 'none').length,
        failed: counts.RolloutErrors + counts.ClustersUnreachable,
        summary,
      });
      return summary;
    });

// One logger per function: the engine's lines carry this invocation's request id and cold-start flag.
const logger = new Logger({ serviceName: 'aviary' });
export const handler = makeTickHandler(lambdaFleetApp({ logger }), logger);

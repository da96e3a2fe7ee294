import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsWorkQueue } from '../queue/sqs-work-queue.js';
import { createTickApp, type TickApp } from './create-tick-app.js';
import { lambdaApp } from './lambda-app.js';
import { engineLog, lambdaStore, NOTIFIER_SECRETS, traced } from './lambda-parts.js';

/**
 * The scheduled tick on Lambda: the due index and the FIFO work queue (`WORK_QUEUE_URL`), and the fleets' waves
 * (the store and the notifier, never a cluster). It only says which cluster has work due; the fleets' part is
 * built when first used and rebuilt when a notifier secret is rotated.
 */
export function lambdaTickApp(options: { logger: Logger; tracer?: Tracer }): () => Promise<TickApp> {
  let app: TickApp | undefined;
  return async () => {
    if (app) return app;
    const queueUrl = process.env.WORK_QUEUE_URL;
    if (!queueUrl) throw new Error('WORK_QUEUE_URL is not set');
    const fleetsApp = lambdaApp({ logger: options.logger, secrets: NOTIFIER_SECRETS, ...tracerOf(options) });
    app = createTickApp({
      store: lambdaStore(options.tracer),
      queue: new SqsWorkQueue(traced(new SQSClient({}), options.tracer), queueUrl),
      log: engineLog(options.logger),
      advanceFleets: async () => (await fleetsApp()).engine.advanceFleets(),
    });
    return app;
  };
}

function tracerOf(options: { tracer?: Tracer }): { tracer?: Tracer } {
  return options.tracer ? { tracer: options.tracer } : {};
}

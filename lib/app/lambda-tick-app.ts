import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsWorkQueue } from '../queue/sqs-work-queue.js';
import { createTickApp, type TickApp } from './create-tick-app.js';
import { engineLog, lambdaStore, traced } from './lambda-parts.js';

/**
 * The scheduled tick on Lambda: the due index and the FIFO work queue (`WORK_QUEUE_URL`). No configuration, no
 * secrets, no cluster access: it only says which cluster has work due.
 */
export function lambdaTickApp(options: { logger: Logger; tracer?: Tracer }): () => Promise<TickApp> {
  let app: TickApp | undefined;
  return async () => {
    if (app) return app;
    const queueUrl = process.env.WORK_QUEUE_URL;
    if (!queueUrl) throw new Error('WORK_QUEUE_URL is not set');
    app = createTickApp({
      store: lambdaStore(options.tracer),
      queue: new SqsWorkQueue(traced(new SQSClient({}), options.tracer), queueUrl),
      log: engineLog(options.logger),
    });
    return app;
  };
}

import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ClusterWork } from './cluster-work.js';
import { messageIdentity, type WorkQueue } from './work-queue.js';

/** SQS takes at most ten messages per SendMessageBatch. */
const BATCH = 10;

/** A batch entry SQS refused (throttled, or the queue is gone); the tick fails so its DLQ and alarm see it. */
export class WorkQueueError extends Error {
  override name = 'WorkQueueError';
}

/**
 * The work queue on AWS: an SQS FIFO queue, one message group per cluster (a cluster is never worked on by two
 * workers at once) and a de-duplication id per cluster and tick (a retried tick sends nothing twice).
 */
export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(work: readonly ClusterWork[]): Promise<void> {
    const chunks = new Map<string, number>();
    const entries = work.map((item, i) => {
      const chunk = chunks.get(item.cluster) ?? 0;
      chunks.set(item.cluster, chunk + 1);
      const { groupId, deduplicationId } = messageIdentity(item, chunk);
      return {
        Id: String(i),
        MessageBody: JSON.stringify(item),
        MessageGroupId: groupId,
        MessageDeduplicationId: deduplicationId,
      };
    });
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      const out = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: batch }),
      );
      const failed = out.Failed ?? [];
      if (failed.length > 0) {
        const groups = failed.map((f) => batch.find((e) => e.Id === f.Id)?.MessageGroupId ?? f.Id);
        throw new WorkQueueError(
          `SQS refused the work of ${failed.length} cluster(s) (${groups.join(', ')}): ${failed[0]?.Code ?? 'unknown'}`,
        );
      }
    }
  }
}

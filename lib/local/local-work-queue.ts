import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ClusterWork } from '../queue/cluster-work.js';
import { messageIdentity, type WorkQueue } from '../queue/work-queue.js';

export interface LocalWorkQueueOptions {
  /** The stack's clock: visibility timeouts and de-duplication windows are measured on it. */
  clock: () => number;
  /** How long a received message stays invisible before it is delivered again (SQS: the visibility timeout). */
  visibilityTimeoutMs?: number;
  /** How many batches run at once (SQS: the event source mapping's maximum concurrency). */
  concurrency?: number;
  /** Messages per batch, as the event source mapping's batch size (at most 10 for FIFO). */
  batchSize?: number;
}

interface Message {
  messageId: string;
  groupId: string;
  deduplicationId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  /** Not delivered before this time (in flight until then once received). */
  visibleAt: number;
  inFlight: boolean;
}

/** Handles one batch as the cluster worker's Lambda handler does; a throw returns the whole batch. */
export type BatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

const DEDUPLICATION_WINDOW_MS = 5 * 60_000;

/**
 * An in-process SQS FIFO queue for `npm start` and the tests, with the semantics the cluster worker relies on:
 * messages of one group (one cluster) are delivered in order and never while another of the group is in flight;
 * a batch's failed messages (the handler's `batchItemFailures`, or all of them when it throws) come back after
 * the visibility timeout; a de-duplication id seen within five minutes is dropped.
 */
export class LocalWorkQueue implements WorkQueue {
  private readonly messages: Message[] = [];
  private readonly seen = new Map<string, number>();
  private readonly clock: () => number;
  private readonly visibilityTimeoutMs: number;
  private readonly concurrency: number;
  private readonly batchSize: number;
  /** Every delivery, in order: what the tests inspect. */
  readonly deliveries: { messageId: string; groupId: string; receiveCount: number }[] = [];

  constructor(options: LocalWorkQueueOptions) {
    this.clock = options.clock;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 6 * 60_000;
    this.concurrency = options.concurrency ?? 20;
    this.batchSize = Math.min(options.batchSize ?? 1, 10);
  }

  async send(work: readonly ClusterWork[]): Promise<void> {
    this.enqueue(work);
  }

  /** Sends like SQS; answers the work it accepted (not dropped as a duplicate), for the local stack's summary. */
  enqueue(work: readonly ClusterWork[]): ClusterWork[] {
    const accepted: ClusterWork[] = [];
    const now = this.clock();
    const chunks = new Map<string, number>();
    for (const item of work) {
      const chunk = chunks.get(item.cluster) ?? 0;
      chunks.set(item.cluster, chunk + 1);
      const { groupId, deduplicationId } = messageIdentity(item, chunk);
      const seenAt = this.seen.get(deduplicationId);
      if (seenAt !== undefined && now - seenAt < DEDUPLICATION_WINDOW_MS) continue;
      this.seen.set(deduplicationId, now);
      accepted.push(item);
      this.messages.push({
        messageId: randomUUID(),
        groupId,
        deduplicationId,
        body: JSON.stringify(item),
        sentAt: now,
        receiveCount: 0,
        visibleAt: now,
        inFlight: false,
      });
    }
    return accepted;
  }

  /** Messages waiting or in flight. */
  get depth(): number {
    return this.messages.length;
  }

  /**
   * Delivers every message that is visible now to `handler`, batch by batch, at most `concurrency` batches at once
   * and one batch per group at a time, until none is left visible. Messages that failed stay until their
   * visibility timeout has passed on the clock (advance it and drain again).
   */
  async drain(handler: BatchHandler): Promise<void> {
    const running = new Set<Promise<void>>();
    for (;;) {
      const batch = this.receive();
      if (batch.length === 0) {
        if (running.size === 0) return;
        await Promise.race(running);
        continue;
      }
      const run = this.deliver(batch, handler).finally(() => running.delete(run));
      running.add(run);
      if (running.size >= this.concurrency) await Promise.race(running);
    }
  }

  private receive(): Message[] {
    const now = this.clock();
    // FIFO: a group's messages in order, never while one of them is in flight, never past one still invisible.
    const heads = new Map<string, Message>();
    for (const m of this.messages) if (!heads.has(m.groupId)) heads.set(m.groupId, m);
    const first = [...heads.values()].find((m) => !m.inFlight && m.visibleAt <= now);
    if (!first) return [];
    const batch: Message[] = [];
    for (const m of this.messages) {
      if (m.groupId !== first.groupId) continue;
      if (m.inFlight || m.visibleAt > now || batch.length === this.batchSize) break;
      batch.push(m);
    }
    for (const m of batch) {
      m.inFlight = true;
      m.receiveCount++;
      m.visibleAt = now + this.visibilityTimeoutMs;
      this.deliveries.push({ messageId: m.messageId, groupId: m.groupId, receiveCount: m.receiveCount });
    }
    return batch;
  }

  private async deliver(batch: Message[], handler: BatchHandler): Promise<void> {
    let failed: Set<string>;
    try {
      const response = await handler({ Records: batch.map((m) => this.record(m)) });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.messageId));
    }
    for (const m of batch) {
      m.inFlight = false;
      if (!failed.has(m.messageId)) this.messages.splice(this.messages.indexOf(m), 1);
    }
  }

  private record(m: Message): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'AIDALOCAL',
        ApproximateFirstReceiveTimestamp: String(this.clock()),
        MessageGroupId: m.groupId,
        MessageDeduplicationId: m.deduplicationId,
        SequenceNumber: String(this.messages.indexOf(m) + 1),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:aviary-local-work.fifo',
      awsRegion: 'local',
    };
  }
}

import type { ClusterWork } from './cluster-work.js';

/**
 * Where the tick puts each cluster's due work. On AWS an SQS FIFO queue with the cluster as message group (so one
 * cluster is never worked on twice at once); locally an in-process queue with the same semantics.
 */
export interface WorkQueue {
  send(work: readonly ClusterWork[]): Promise<void>;
}

/** FIFO message group and de-duplication id of a message: one per cluster and tick (and chunk). */
export function messageIdentity(
  work: ClusterWork,
  chunk: number,
): { groupId: string; deduplicationId: string } {
  return { groupId: work.cluster, deduplicationId: `${work.cluster}.${work.dueAt}.${chunk}` };
}

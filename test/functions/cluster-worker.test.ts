import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeClusterWorkerHandler } from '../../functions/cluster-worker.js';
import type { ClusterWork } from '../../lib/queue/cluster-work.js';
import { CONFIG, NOW } from './fixtures.js';
import { lambdaContext, quietLogger } from './lambda-events.js';
import { recordingClusterEngine } from './recording-engine.js';

let sequence = 0;
function record(body: unknown, group: string): SQSRecord {
  sequence++;
  return {
    messageId: `m-${sequence}`,
    receiptHandle: `r-${sequence}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(NOW),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(NOW),
      MessageGroupId: group,
      MessageDeduplicationId: `d-${sequence}`,
      SequenceNumber: String(sequence),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:aviary-work.fifo',
    awsRegion: 'us-east-1',
  };
}

const work = (cluster: string, rollouts: string[]): ClusterWork => ({ cluster, rollouts, dueAt: NOW });

function worker(failOn: string[] = []) {
  const clusterEngine = recordingClusterEngine(new Set(failOn));
  const handler = makeClusterWorkerHandler(
    async () => ({ config: CONFIG, clusterEngine, clock: () => NOW }),
    quietLogger(),
  );
  return { clusterEngine, handler };
}

describe('cluster worker (SQS FIFO, Powertools batch)', () => {
  it("advances each message's cluster and reports no failure", async () => {
    const { clusterEngine, handler } = worker();
    const records = [record(work('east', ['a-1', 'b-1']), 'east'), record(work('west', ['c-1']), 'west')];
    const response = await handler({ Records: records }, lambdaContext('aviary-cluster-worker'));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(clusterEngine.worked).toEqual([work('east', ['a-1', 'b-1']), work('west', ['c-1'])]);
  });

  it("fails a crashed cluster's message and the rest of its group, and goes on with the other clusters", async () => {
    const { clusterEngine, handler } = worker(['east']);
    const records = [
      record(work('east', ['a-1']), 'east'),
      record(work('west', ['c-1']), 'west'),
      record(work('east', ['b-1']), 'east'),
    ];
    const response = await handler({ Records: records }, lambdaContext('aviary-cluster-worker'));
    // The second east message is not worked on ahead of the first: FIFO order is kept within a cluster.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [records[0]?.messageId, records[2]?.messageId].sort(),
    );
    expect(clusterEngine.worked).toEqual([work('west', ['c-1'])]);
  });

  it('fails messages that are not cluster work (they end in the dead-letter queue), never acting on them', async () => {
    const { clusterEngine, handler } = worker();
    const bad = [
      record('not json', 'x'),
      record({ cluster: 'east', rollouts: [], dueAt: NOW }, 'y'),
      record({ cluster: '../etc', rollouts: ['a-1'], dueAt: NOW }, 'z'),
      record({ ...work('east', ['a-1']), extra: true }, 'w'),
    ];
    const good = record(work('west', ['c-1']), 'west');
    const response = await handler({ Records: [...bad, good] }, lambdaContext('aviary-cluster-worker'));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(bad.map((r) => r.messageId));
    expect(clusterEngine.worked).toEqual([work('west', ['c-1'])]);
  });
});

import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterWork, ClusterWorkSchema } from '../../lib/queue/cluster-work.js';
import { SqsWorkQueue, WorkQueueError } from '../../lib/queue/sqs-work-queue.js';

/**
 * The SQS adapter through the real @aws-sdk/client-sqs (its JSON protocol, as on Lambda) against fauxqs, an
 * SQS-protocol server that implements FIFO groups, per-group locking and de-duplication.
 */
let server: FauxqsServer;
let client: SQSClient;

beforeAll(async () => {
  server = await startFauxqs({ port: 0, logger: false });
  client = new SQSClient({
    endpoint: `http://127.0.0.1:${server.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

let n = 0;
const fifoQueue = (): string =>
  server.createQueue(`work-${++n}.fifo`, { attributes: { FifoQueue: 'true', VisibilityTimeout: '60' } })
    .queueUrl;

const work = (cluster: string, rollouts: string[], dueAt = 1_764_590_400_000): ClusterWork => ({
  cluster,
  rollouts,
  dueAt,
});

async function receiveAll(queueUrl: string) {
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
    }),
  );
  return (out.Messages ?? []).map((m) => ({
    group: m.Attributes?.MessageGroupId,
    dedup: m.Attributes?.MessageDeduplicationId,
    work: ClusterWorkSchema.parse(JSON.parse(m.Body ?? '')),
  }));
}

describe('SQS work queue (real SDK client, FIFO)', () => {
  it('sends each cluster as its own message group, in batches of at most ten', async () => {
    const queueUrl = fifoQueue();
    const items = Array.from({ length: 12 }, (_, i) => work(`c${i + 1}`, [`svc${i + 1}-1`]));
    await new SqsWorkQueue(client, queueUrl).send(items);
    const first = await receiveAll(queueUrl);
    const second = await receiveAll(queueUrl);
    const got = [...first, ...second];
    expect(got.map((m) => m.group).sort()).toEqual(items.map((w) => w.cluster).sort());
    for (const m of got) expect(m.work).toEqual(items.find((w) => w.cluster === m.group));
    expect(got.map((m) => m.dedup)).toContain('c1.1764590400000.0');
  });

  it('drops a repeated send of the same tick (a retried tick queues nothing twice)', async () => {
    const queueUrl = fifoQueue();
    const queue = new SqsWorkQueue(client, queueUrl);
    await queue.send([work('east', ['a-1'])]);
    await queue.send([work('east', ['a-1'])]);
    await queue.send([work('east', ['a-1'], 1_764_590_460_000)]);
    const got = await receiveAll(queueUrl);
    // One message of the group is in flight at a time: the next tick's waits behind the first.
    expect(got.map((m) => m.work.dueAt)).toEqual([1_764_590_400_000]);
  });

  it('fails loudly, naming the clusters, when SQS refuses the messages', async () => {
    const queue = new SqsWorkQueue(client, `http://127.0.0.1:${server.port}/000000000000/missing.fifo`);
    await expect(queue.send([work('east', ['a-1'])])).rejects.toThrow();
    const refusing = new SqsWorkQueue(
      {
        send: async () => ({ Successful: [], Failed: [{ Id: '0', Code: 'Throttled', SenderFault: false }] }),
      } as unknown as SQSClient,
      'https://sqs.example/q.fifo',
    );
    await expect(refusing.send([work('east', ['a-1'])])).rejects.toThrow(WorkQueueError);
    await expect(refusing.send([work('east', ['a-1'])])).rejects.toThrow('(east): Throttled');
  });
});

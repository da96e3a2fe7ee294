import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { INDEXES, TABLE_DEFINITION, TTL_ATTRIBUTE } from '../../lib/store/table-definition.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOnLoopback(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

describe('startDynamoDbLocal (in memory)', () => {
  let db: DynamoDbLocal;

  beforeAll(async () => {
    db = await startDynamoDbLocal();
  });

  afterAll(async () => {
    await db?.stop();
  });

  it('answers on a loopback endpoint', async () => {
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(isRunning(db.pid)).toBe(true);
    const tables = await db.client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual([]);
  });

  it('creates the table with the deployed keys, indexes and TTL, and leaves an existing one alone', async () => {
    await db.createTable('aviary-local-rollouts');
    await db.doc.send(
      new PutCommand({ TableName: 'aviary-local-rollouts', Item: { pk: 'a', sk: 'b', n: 1 } }),
    );
    await db.createTable('aviary-local-rollouts');

    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: 'aviary-local-rollouts' }));
    expect(Table?.KeySchema).toEqual(TABLE_DEFINITION.KeySchema);
    expect(
      Table?.GlobalSecondaryIndexes?.map((i) => [
        i.IndexName,
        i.KeySchema,
        i.Projection?.ProjectionType,
      ]).sort(),
    ).toEqual(
      Object.values(INDEXES)
        .map((i) => [
          i.name,
          [
            { AttributeName: i.partition, KeyType: 'HASH' },
            { AttributeName: i.sort, KeyType: 'RANGE' },
          ],
          'ALL',
        ])
        .sort(),
    );
    const ttl = await db.client.send(new DescribeTimeToLiveCommand({ TableName: 'aviary-local-rollouts' }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: TTL_ATTRIBUTE });
    const kept = await db.doc.send(
      new GetCommand({ TableName: 'aviary-local-rollouts', Key: { pk: 'a', sk: 'b' } }),
    );
    expect(kept.Item).toEqual({ pk: 'a', sk: 'b', n: 1 });
  });
});

describe('startDynamoDbLocal (on disk, fixed port)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aviary-ddb-'));

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data across restarts and stops the JVM for good', async () => {
    const port = await portOnLoopback();
    const first = await startDynamoDbLocal({ inMemory: false, dbPath: dir, port });
    try {
      expect(first.endpoint).toBe(`http://127.0.0.1:${port}`);
      await first.createTable('aviary-disk-rollouts');
      await first.doc.send(
        new PutCommand({ TableName: 'aviary-disk-rollouts', Item: { pk: 'kept', sk: 'x', v: 7 } }),
      );
    } finally {
      await first.stop();
    }
    expect(isRunning(first.pid)).toBe(false);
    // Stopping twice is harmless.
    await first.stop();

    const second = await startDynamoDbLocal({ inMemory: false, dbPath: dir });
    try {
      const got = await second.doc.send(
        new GetCommand({ TableName: 'aviary-disk-rollouts', Key: { pk: 'kept', sk: 'x' } }),
      );
      expect(got.Item).toEqual({ pk: 'kept', sk: 'x', v: 7 });
    } finally {
      await second.stop();
    }
    expect(isRunning(second.pid)).toBe(false);
  });

  it('fails with the JVM output when the port is already taken', async () => {
    // Whoever holds the port accepts connections and never answers: the probe must not wait on it forever.
    const sockets = new Set<import('node:net').Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startDynamoDbLocal({ port, startTimeoutMs: 60_000 })).rejects.toThrow(
        /failed before answering on .*Failed to bind/s,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

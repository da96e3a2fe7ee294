import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message as the double holds it: the latest text and blocks, and how often it was updated. */
export interface RecordedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  updates: number;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  ok: boolean;
  error?: string;
}

export interface SlackApiDoubleOptions {
  /** The bot token requests must carry as `Authorization: Bearer …`. */
  token: string;
  port?: number;
  host?: string;
  /** When given, other channels answer `channel_not_found` like Slack does. */
  channels?: string[];
}

/** What was posted to an interaction's `response_url`. */
export interface RecordedResponse {
  path: string;
  body: Record<string, unknown>;
}

export interface SlackApiDouble {
  /** Pass as the notifier's `apiUrl`: `http://127.0.0.1:<port>/api`. */
  apiUrl: string;
  /** A `response_url` of this double, as Slack puts one in each interaction (`…/response/<id>`). */
  responseUrl(id: string): string;
  /** Answers posted to response URLs, oldest first. */
  responses: RecordedResponse[];
  /** Messages in posting order, each with its latest content (deleted ones are gone from here). */
  messages: RecordedMessage[];
  /** Messages `chat.delete` removed, in deletion order. */
  deleted: RecordedMessage[];
  calls: RecordedCall[];
  /**
   * Decides, for each Web API call, whether the connection is dropped instead (`reset`: nothing happens, nothing
   * is recorded) or after the call took effect (`lostAnswer`: recorded, but the caller sees a network error).
   * `null` removes the policy.
   */
  setFaultPolicy(policy: SlackFaultPolicy | null): void;
  close(): Promise<void>;
}

export type SlackFaultPolicy = (call: {
  method: string;
  args: Record<string, unknown>;
}) => 'reset' | 'lostAnswer' | null;

const BOT = { bot_id: 'B0AVIARY', user: 'U0AVIARYBOT', app_id: 'A0AVIARY', team: 'T0AVIARY' };
const MAX_BODY = 1024 * 1024;

/**
 * The part of the Slack Web API Aviary uses (`chat.postMessage`, `chat.update`, `chat.delete`) on loopback. Answers like
 * Slack: HTTP 200 with `{ok: false, error}` for API errors, `{ok, channel, ts, message}` on success.
 */
export async function startSlackApiDouble(options: SlackApiDoubleOptions): Promise<SlackApiDouble> {
  const messages: RecordedMessage[] = [];
  const calls: RecordedCall[] = [];
  const responses: RecordedResponse[] = [];
  let seq = 0;
  let faultPolicy: SlackFaultPolicy | null = null;
  const deleted: RecordedMessage[] = [];
  const nextTs = (): string => {
    seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
  };

  const methods: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
    'chat.postMessage': (args) => {
      const channel = channelOf(args);
      if (typeof channel !== 'string') return channel;
      const content = contentOf(args);
      if ('error' in content) return content;
      const message: RecordedMessage = { channel, ts: nextTs(), ...content, updates: 0 };
      messages.push(message);
      return { ok: true, channel, ts: message.ts, message: wire(message) };
    },
    'chat.delete': (args) => {
      const channel = channelOf(args);
      if (typeof channel !== 'string') return channel;
      const index = messages.findIndex((m) => m.channel === channel && m.ts === args.ts);
      if (index < 0) return { ok: false, error: 'message_not_found' };
      const [message] = messages.splice(index, 1);
      deleted.push(message as RecordedMessage);
      return { ok: true, channel, ts: args.ts };
    },
    'chat.update': (args) => {
      const channel = channelOf(args);
      if (typeof channel !== 'string') return channel;
      const message = messages.find((m) => m.channel === channel && m.ts === args.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      const content = contentOf(args);
      if ('error' in content) return content;
      Object.assign(message, content, { updates: message.updates + 1 });
      return { ok: true, channel, ts: message.ts, text: message.text, message: wire(message) };
    },
  };

  const channelOf = (args: Record<string, unknown>): string | Record<string, unknown> => {
    const channel = args.channel;
    if (typeof channel !== 'string' || channel === '') return { ok: false, error: 'channel_not_found' };
    if (options.channels && !options.channels.includes(channel))
      return { ok: false, error: 'channel_not_found' };
    return channel;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const raw = await readBody(req);
    if (pathname.startsWith('/response/')) {
      respondTo(pathname, req, res, raw);
      return;
    }
    const method = pathname.replace(/^\/api\//, '');
    if (req.method !== 'POST') return answer(res, 405, { ok: false, error: 'method_not_supported' });
    if (raw === null) return answer(res, 413, { ok: false, error: 'request_too_large' });
    const parsed = parseArgs(raw, req.headers['content-type']);
    if (parsed === null) return answer(res, 200, record(method, {}, { ok: false, error: 'invalid_json' }));
    // Form calls may carry the token as a field; it is checked, never recorded.
    const { token: formToken, ...args } = parsed;
    const token =
      bearer(req.headers.authorization) ?? (typeof formToken === 'string' ? formToken : undefined);
    const refusal = !token ? 'not_authed' : token !== options.token ? 'invalid_auth' : null;
    if (refusal) return answer(res, 200, record(method, args, { ok: false, error: refusal }));
    const run = methods[method];
    if (!run) return answer(res, 404, record(method, args, { ok: false, error: 'unknown_method' }));
    const fault = faultPolicy?.({ method, args }) ?? null;
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    const result = record(method, args, run(args));
    if (fault === 'lostAnswer') {
      req.socket.destroy();
      return;
    }
    answer(res, 200, result);
  };

  // Like hooks.slack.com: JSON in, `ok` out; the body is what the person would see.
  const respondTo = (path: string, req: IncomingMessage, res: ServerResponse, raw: string | null): void => {
    if (req.method !== 'POST') {
      answer(res, 405, { ok: false, error: 'method_not_supported' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw ?? '');
    } catch {
      answer(res, 400, { ok: false, error: 'invalid_payload' });
      return;
    }
    if (typeof body !== 'object' || body === null || typeof (body as { text?: unknown }).text !== 'string') {
      answer(res, 400, { ok: false, error: 'no_text' });
      return;
    }
    responses.push({ path, body: body as Record<string, unknown> });
    answer(res, 200, { ok: true });
  };

  const record = (method: string, args: Record<string, unknown>, result: Record<string, unknown>) => {
    const ok = result.ok === true;
    calls.push({ method, args, ok, ...(ok ? {} : { error: String(result.error) }) });
    return result;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => answer(res, 500, { ok: false, error: 'internal_error' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://${address}:${port}/api`,
    responseUrl: (id) => `http://${address}:${port}/response/${encodeURIComponent(id)}`,
    responses,
    messages,
    deleted,
    calls,
    setFaultPolicy: (policy) => {
      faultPolicy = policy;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function contentOf(
  args: Record<string, unknown>,
): { text: string; blocks: unknown[] } | { ok: false; error: string } {
  let blocks = args.blocks ?? [];
  // Form-encoded calls carry blocks as a JSON string.
  if (typeof blocks === 'string') {
    try {
      blocks = JSON.parse(blocks);
    } catch {
      return { ok: false, error: 'invalid_blocks' };
    }
  }
  if (!Array.isArray(blocks)) return { ok: false, error: 'invalid_blocks' };
  const text = typeof args.text === 'string' ? args.text : '';
  if (text === '' && blocks.length === 0) return { ok: false, error: 'no_text' };
  return { text, blocks };
}

const wire = (m: RecordedMessage) => ({ type: 'message', text: m.text, blocks: m.blocks, ts: m.ts, ...BOT });

function bearer(value: string | undefined): string | undefined {
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> | null {
  if (raw === '') return {};
  if (contentType?.startsWith('application/json')) {
    try {
      const value: unknown = JSON.parse(raw);
      return value && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

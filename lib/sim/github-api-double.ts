import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One deployment status as GitHub would store it. */
export interface RecordedDeploymentStatus {
  id: number;
  repository: string;
  deploymentId: number;
  state: string;
  description: string;
  logUrl: string | null;
  environment: string | null;
}

export interface GithubApiDoubleOptions {
  /** The token requests must carry (`Authorization: Bearer …` or `token …`). */
  token: string;
  port?: number;
  host?: string;
}

export interface GithubApiDouble {
  /** Pass as the statuses client's `apiUrl`. */
  apiUrl: string;
  /** Every status created, oldest first. */
  statuses: RecordedDeploymentStatus[];
  /** Requests refused (bad token, bad body), for tests that check nothing was half-accepted. */
  refused: { path: string; status: number; message: string }[];
  close(): Promise<void>;
}

// What GitHub's REST API accepts for a deployment status (docs: "Create a deployment status").
const STATES = new Set(['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success']);
const MAX_DESCRIPTION = 140;
const PATH = /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/;

/**
 * The part of the GitHub REST API Aviary calls: `POST /repos/{owner}/{repo}/deployments/{id}/statuses`.
 * Parses and checks requests on its own (not with Aviary's code) and answers like GitHub: 201 with the
 * status, 401 without the token, 422 for a body GitHub would refuse.
 */
export async function startGithubApiDouble(options: GithubApiDoubleOptions): Promise<GithubApiDouble> {
  const statuses: RecordedDeploymentStatus[] = [];
  const refused: GithubApiDouble['refused'] = [];
  let nextId = 1;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const fail = (status: number, message: string) => {
      refused.push({ path, status, message });
      send(res, status, { message, documentation_url: 'https://docs.github.com/rest' });
    };
    const auth = req.headers.authorization ?? '';
    const given = auth.replace(/^(Bearer|token)\s+/i, '');
    if (!auth || given !== options.token) return fail(401, 'Bad credentials');
    const match = PATH.exec(path);
    if (req.method !== 'POST' || !match) return fail(404, 'Not Found');
    if (!req.headers['user-agent'])
      return fail(403, 'Request forbidden by administrative rules (no User-Agent)');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readText(req)) as Record<string, unknown>;
    } catch {
      return fail(400, 'Problems parsing JSON');
    }
    const state = body.state;
    if (typeof state !== 'string' || !STATES.has(state)) return fail(422, `Invalid state: ${String(state)}`);
    const description = body.description ?? '';
    if (typeof description !== 'string' || [...description].length > MAX_DESCRIPTION)
      return fail(422, 'description is too long (maximum is 140 characters)');
    const logUrl = body.log_url;
    if (logUrl !== undefined && (typeof logUrl !== 'string' || !/^https?:\/\//.test(logUrl)))
      return fail(422, 'log_url must be a URL');
    const status: RecordedDeploymentStatus = {
      id: nextId++,
      repository: `${decodeURIComponent(match[1] ?? '')}/${decodeURIComponent(match[2] ?? '')}`,
      deploymentId: Number(match[3]),
      state,
      description,
      logUrl: typeof logUrl === 'string' ? logUrl : null,
      environment: typeof body.environment === 'string' ? body.environment : null,
    };
    statuses.push(status);
    send(res, 201, {
      id: status.id,
      state,
      description,
      log_url: status.logUrl ?? '',
      environment: status.environment,
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { message: 'Server Error' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    statuses,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsJsonCall {
  target: string;
  body: Record<string, unknown>;
  /** The SigV4 Authorization header the caller sent. */
  authorization: string;
}

export type AwsJsonAnswer = { status: number; body: unknown };

/**
 * A loopback endpoint for AWS JSON 1.1 services (SSM, Secrets Manager): SigV4-signed clients post
 * `X-Amz-Target: <Service>.<Operation>` with a JSON body; `answer` decides the response.
 */
export async function startAwsJsonDouble(answer: (call: AwsJsonCall) => AwsJsonAnswer) {
  const calls: AwsJsonCall[] = [];
  const server = createServer(async (req, res) => {
    const body = JSON.parse((await read(req)) || '{}') as Record<string, unknown>;
    const call = {
      target: String(req.headers['x-amz-target'] ?? ''),
      body,
      authorization: String(req.headers.authorization ?? ''),
    };
    calls.push(call);
    const { status, body: out } = answer(call);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(out));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

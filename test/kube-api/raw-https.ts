import https from 'node:https';
import type { KubeApiDouble } from '../../lib/sim/kube-api/index.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTPS request to the double, trusting only its CA; `token: null` sends no credentials. */
export function rawRequest(
  double: KubeApiDouble,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; token?: string | null } = {},
): Promise<RawResponse> {
  const token = init.token === undefined ? double.token : init.token;
  const headers = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...init.headers };
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, double.url),
      { method: init.method ?? 'GET', headers, ca: double.caPem },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

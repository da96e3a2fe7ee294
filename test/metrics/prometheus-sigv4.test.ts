import { createHash, createHmac } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createSigV4Fetch } from '../../lib/aws/sigv4-fetch.js';
import { createPrometheusMetricSource } from '../../lib/metrics/prometheus.js';
import { TargetSchema } from '../../lib/model/config.js';
import { createPrometheusHandler } from '../../lib/sim/prometheus-double.js';

const CREDS = {
  accessKeyId: 'ASIAAMPTEST000000001',
  secretAccessKey: 'amp/secret+key',
  sessionToken: 'amp-session',
};

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback "AMP workspace": records each request raw, then lets the Prometheus double answer it. */
async function startWorkspace() {
  const captured: Captured[] = [];
  const prometheus = createPrometheusHandler({
    provider: ({ deployment }) =>
      deployment.endsWith('canary') ? { successCount: 40, failureCount: 1, p50Ms: 7, p99Ms: 30 } : null,
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      captured.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = new URL(req.url ?? '/', 'http://x');
      const out = await prometheus.handle({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    captured,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An independent SigV4 check (node:crypto, from the AWS spec) of a request as the server received it. */
function verifySigV4(req: Captured, secretAccessKey: string, region: string, service: string) {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      String(req.headers.authorization ?? ''),
    );
  if (!auth) throw new Error(`not a SigV4 Authorization header: ${req.headers.authorization}`);
  const [, accessKeyId, day, scopeRegion, scopeService, signedHeaders, signature] =
    auth as unknown as string[];
  const amzDate = String(req.headers['x-amz-date']);
  const url = new URL(req.url, 'http://x');
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...url.searchParams]
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&');
  const names = (signedHeaders ?? '').split(';');
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const payloadHash = createHash('sha256').update(req.body).digest('hex');
  const canonical = [req.method, url.pathname, query, canonicalHeaders, signedHeaders, payloadHash].join(
    '\n',
  );
  const scope = `${day}/${scopeRegion}/${scopeService}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  const key = [day, region, service, 'aws4_request'].reduce<Buffer | string>(
    (k, part) =>
      createHmac('sha256', k)
        .update(part ?? '')
        .digest(),
    `AWS4${secretAccessKey}`,
  );
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return { accessKeyId, scopeRegion, scopeService, signedHeaders: names, valid: expected === signature };
}

let workspace: Awaited<ReturnType<typeof startWorkspace>> | undefined;
afterEach(async () => {
  await workspace?.close();
  workspace = undefined;
});

describe('SigV4 fetch', () => {
  it('signs host, date, security token and the body hash so that an independent check accepts it', async () => {
    workspace = await startWorkspace();
    const signed = createSigV4Fetch({ region: 'us-east-1', service: 'aps', credentials: async () => CREDS });
    const body = new URLSearchParams({ query: 'up', time: '1700000000.000' }).toString();
    const res = await signed(`${workspace.base}/workspaces/ws-123/api/v1/query?x=a+b&a=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(400); // the double does not know `up`; the point here is the signature
    const req = workspace.captured[0] as Captured;
    const check = verifySigV4(req, CREDS.secretAccessKey, 'us-east-1', 'aps');
    expect(check).toMatchObject({
      valid: true,
      accessKeyId: CREDS.accessKeyId,
      scopeRegion: 'us-east-1',
      scopeService: 'aps',
    });
    expect(check.signedHeaders).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']),
    );
    expect(req.headers['x-amz-security-token']).toBe(CREDS.sessionToken);

    // Tampering with the body breaks the signature: the check is not vacuous.
    expect(
      verifySigV4({ ...req, body: `${body}&extra=1` }, CREDS.secretAccessKey, 'us-east-1', 'aps').valid,
    ).toBe(false);
    expect(verifySigV4(req, 'another-secret', 'us-east-1', 'aps').valid).toBe(false);
  });

  it('refuses a region that is not one', () => {
    expect(() =>
      createSigV4Fetch({ region: 'workspace-1', service: 'aps', credentials: async () => CREDS }),
    ).toThrow(/"workspace-1" is not an AWS region/);
  });
});

describe('Prometheus metric source against Amazon Managed Prometheus (sigv4)', () => {
  it('POSTs signed form queries to the workspace URL and reads the answer', async () => {
    workspace = await startWorkspace();
    const target = {
      name: 'podinfo',
      ...TargetSchema.parse({
        cluster: 'prod',
        namespace: 'test',
        service: 'podinfo',
        primary: { service: 'podinfo-primary', deployment: 'podinfo-primary' },
        canary: { service: 'podinfo-canary', deployment: 'podinfo-canary' },
        metrics: {
          kind: 'prometheus',
          url: `${workspace.base}/workspaces/ws-123`,
          auth: { kind: 'sigv4', region: 'eu-west-1' },
        },
      }),
    };
    const source = createPrometheusMetricSource(new KubeConfig(), target, { credentials: async () => CREDS });
    expect(await source.read(60)).toEqual({
      windowSeconds: 60,
      canary: { successCount: 40, failureCount: 1, p50Ms: 7, p99Ms: 30 },
      primary: null,
    });
    expect(workspace.captured).toHaveLength(8);
    for (const req of workspace.captured) {
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/workspaces/ws-123/api/v1/query');
      expect(new URLSearchParams(req.body).get('query')).toMatch(/^(sum by|histogram_quantile)/);
      expect(verifySigV4(req, CREDS.secretAccessKey, 'eu-west-1', 'aps')).toMatchObject({
        valid: true,
        scopeRegion: 'eu-west-1',
      });
    }
  });
});

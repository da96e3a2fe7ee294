import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the AWS double saw: enough to tell which credentials signed what. */
export interface AwsDoubleRequest {
  method: string;
  path: string;
  authorization: string;
  securityToken: string | undefined;
  body: string;
}

export interface AssumedRole {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AwsDoubleOptions {
  /** DescribeCluster answers by cluster name: the `response` object of a DescribeCluster example. */
  clusters: Record<string, unknown>;
  /** AssumeRole answers, handed out in turn (the last one repeats). */
  roles?: AssumedRole[];
  /** Delay before answering, to exercise client timeouts. */
  delayMs?: number;
}

/**
 * The two AWS APIs the EKS connector calls, on loopback, in their real wire protocols so the SDK's own clients
 * talk to it: EKS DescribeCluster (REST-JSON `GET /clusters/{name}`) and STS AssumeRole (query protocol, XML).
 */
export async function startAwsDouble(options: AwsDoubleOptions) {
  const requests: AwsDoubleRequest[] = [];
  let roleIndex = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({
        method: req.method ?? '',
        path,
        authorization: String(req.headers.authorization ?? ''),
        securityToken: req.headers['x-amz-security-token'] as string | undefined,
        body,
      });
      const answer = () => {
        const cluster = /^\/clusters\/([^/]+)$/.exec(path);
        if (req.method === 'GET' && cluster) {
          const found = options.clusters[decodeURIComponent(cluster[1] ?? '')];
          if (found === undefined) {
            res.writeHead(404, {
              'content-type': 'application/json',
              'x-amzn-errortype': 'ResourceNotFoundException',
            });
            res.end(JSON.stringify({ message: `No cluster found for name: ${cluster[1]}.` }));
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(found));
          return;
        }
        const form = new URLSearchParams(body);
        if (req.method === 'POST' && form.get('Action') === 'AssumeRole') {
          const roles = options.roles ?? [];
          const role = roles[Math.min(roleIndex++, roles.length - 1)];
          if (!role) {
            res.writeHead(403, { 'content-type': 'text/xml' });
            res.end(
              '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
            );
            return;
          }
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(
            `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
              `<Credentials><AccessKeyId>${role.accessKeyId}</AccessKeyId><SecretAccessKey>${role.secretAccessKey}</SecretAccessKey>` +
              `<SessionToken>${role.sessionToken}</SessionToken><Expiration>${role.expiration.toISOString()}</Expiration></Credentials>` +
              `<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:${form.get('RoleSessionName')}</AssumedRoleId>` +
              `<Arn>arn:aws:sts::111122223333:assumed-role/aviary/${form.get('RoleSessionName')}</Arn></AssumedRoleUser>` +
              `</AssumeRoleResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
          );
          return;
        }
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('unsupported request');
      };
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { EKSClient } from '@aws-sdk/client-eks';
import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearEksEndpointCache,
  EksConnector,
  type EksConnectorOptions,
} from '../../lib/cluster/eks-connector.js';
import { eksToken } from '../../lib/cluster/eks-token.js';
import { ConfigurationError, UnavailableError } from '../../lib/errors.js';
import { verifyEksToken } from '../../lib/local/eks-token-verifier.js';
import { ClusterSchema } from '../../lib/model/config.js';
import { startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { readJsonVector, readVector } from '../support/vectors.js';
import { type AssumedRole, startAwsDouble } from './eks-aws-double.js';

interface DescribeExample {
  request: { name: string };
  response: { cluster: { name: string; endpoint: string; certificateAuthority: { data: string } } };
}
const botocore = readJsonVector<DescribeExample>('eks_describe_cluster.botocore-example.json');
const caPem = readVector('eks_describe_cluster_ca.DERIVED.pem.txt');

const BASE = { accessKeyId: 'AKIAAVIARYBASE000001', secretAccessKey: 'base-secret' };
const T0 = Date.parse('2025-03-10T08:00:00Z');
const eksCluster = (extra: Record<string, unknown> = {}) =>
  ClusterSchema.parse({ kind: 'eks', name: botocore.request.name, region: 'us-west-2', ...extra });

let double: Awaited<ReturnType<typeof startAwsDouble>> | undefined;
beforeEach(() => clearEksEndpointCache());
afterEach(async () => {
  await double?.close();
  double = undefined;
});

function connectorFor(url: string, clock: { now: number }, extra: Partial<EksConnectorOptions> = {}) {
  return new EksConnector({
    eks: (region, credentials) => new EKSClient({ region, endpoint: url, credentials, maxAttempts: 1 }),
    sts: { endpoint: url, maxAttempts: 1 },
    credentials: async () => BASE,
    now: () => clock.now,
    ...extra,
  });
}

async function authorization(kc: KubeConfig): Promise<{ token: string; ca: string }> {
  const opts: { headers?: Record<string, unknown>; ca?: Buffer } = {};
  await kc.applyToHTTPSOptions(opts);
  const header = String(opts.headers?.Authorization ?? '');
  expect(header).toMatch(/^Bearer k8s-aws-v1\./);
  return { token: header.slice('Bearer '.length), ca: opts.ca?.toString('utf8') ?? '' };
}

describe('EksConnector', () => {
  it('builds a KubeConfig from DescribeCluster (botocore example) with the CA and a valid IAM token', async () => {
    double = await startAwsDouble({ clusters: { devel: botocore.response } });
    const clock = { now: T0 };
    const kc = await connectorFor(double.url, clock).kubeConfig('devel', eksCluster());

    expect(kc.getCurrentCluster()?.server).toBe(botocore.response.cluster.endpoint);
    const { token, ca } = await authorization(kc);
    expect(ca).toBe(caPem);
    const check = verifyEksToken(token, { now: new Date(T0) });
    expect(check).toMatchObject({ ok: true, region: 'us-west-2', accessKeyId: BASE.accessKeyId });
    if (check.ok) expect(check.url).toContain('sts.us-west-2.amazonaws.com');

    const describe = double.requests.find((r) => r.path === '/clusters/devel');
    expect(describe?.method).toBe('GET');
    expect(describe?.authorization).toContain(`Credential=${BASE.accessKeyId}/`);
    expect(describe?.authorization).toContain('/us-west-2/eks/aws4_request');
  });

  it('calls DescribeCluster once per container and cluster', async () => {
    double = await startAwsDouble({ clusters: { devel: botocore.response } });
    const clock = { now: T0 };
    const connector = connectorFor(double.url, clock);
    await connector.kubeConfig('devel', eksCluster());
    await connector.kubeConfig('devel', eksCluster());
    // A second connector in the same container shares the cache.
    await connectorFor(double.url, clock).kubeConfig('devel', eksCluster());
    expect(double.requests.filter((r) => r.path === '/clusters/devel')).toHaveLength(1);
  });

  it('reuses a token for 13 minutes and signs a new one after, on the same KubeConfig', async () => {
    double = await startAwsDouble({ clusters: { devel: botocore.response } });
    const clock = { now: T0 };
    const kc = await connectorFor(double.url, clock).kubeConfig('devel', eksCluster());
    const first = (await authorization(kc)).token;
    clock.now = T0 + 12 * 60_000 + 59_000;
    expect((await authorization(kc)).token).toBe(first);
    clock.now = T0 + 13 * 60_000;
    const renewed = (await authorization(kc)).token;
    expect(renewed).not.toBe(first);
    const check = verifyEksToken(renewed, { now: new Date(clock.now + 14 * 60_000) });
    expect(check).toMatchObject({ ok: true, signedAt: new Date(T0 + 13 * 60_000) });
  });

  it('assumes the cluster role, signs DescribeCluster and the token with it, and caches it until shortly before expiry', async () => {
    const roles: AssumedRole[] = [
      {
        accessKeyId: 'ASIAROLEFIRST0000001',
        secretAccessKey: 's1',
        sessionToken: 'session-one',
        expiration: new Date(T0 + 60 * 60_000),
      },
      {
        accessKeyId: 'ASIAROLESECOND000002',
        secretAccessKey: 's2',
        sessionToken: 'session-two',
        expiration: new Date(T0 + 120 * 60_000),
      },
    ];
    double = await startAwsDouble({ clusters: { devel: botocore.response }, roles });
    const clock = { now: T0 };
    const connector = connectorFor(double.url, clock, { roleSessionName: 'aviary-test' });
    const cluster = eksCluster({ roleArn: 'arn:aws:iam::111122223333:role/aviary-deployer' });
    const kc = await connector.kubeConfig('devel', cluster);

    const assume = double.requests.filter((r) => new URLSearchParams(r.body).get('Action') === 'AssumeRole');
    expect(assume).toHaveLength(1);
    const form = new URLSearchParams(assume[0]?.body);
    expect(form.get('RoleArn')).toBe('arn:aws:iam::111122223333:role/aviary-deployer');
    expect(form.get('RoleSessionName')).toBe('aviary-test');
    expect(assume[0]?.authorization).toContain(`Credential=${BASE.accessKeyId}/`);

    const describe = double.requests.find((r) => r.path === '/clusters/devel');
    expect(describe?.authorization).toContain('Credential=ASIAROLEFIRST0000001/');
    expect(describe?.securityToken).toBe('session-one');

    const token = (await authorization(kc)).token;
    const check = verifyEksToken(token, { now: new Date(T0) });
    expect(check).toMatchObject({ ok: true, accessKeyId: 'ASIAROLEFIRST0000001' });
    if (check.ok) expect(new URL(check.url).searchParams.get('X-Amz-Security-Token')).toBe('session-one');

    clock.now = T0 + 54 * 60_000;
    await authorization(kc);
    expect(double.requests.filter((r) => r.body.includes('Action=AssumeRole'))).toHaveLength(1);

    // Within five minutes of expiry the role is assumed again and tokens carry the new credentials.
    clock.now = T0 + 56 * 60_000;
    const renewed = verifyEksToken((await authorization(kc)).token, { now: new Date(clock.now) });
    expect(renewed).toMatchObject({ ok: true, accessKeyId: 'ASIAROLESECOND000002' });
    expect(double.requests.filter((r) => r.body.includes('Action=AssumeRole'))).toHaveLength(2);
  });

  it('a cluster that does not exist is a configuration error, and is asked about again next time', async () => {
    double = await startAwsDouble({ clusters: {} });
    const connector = connectorFor(double.url, { now: T0 });
    await expect(connector.kubeConfig('devel', eksCluster())).rejects.toThrow(ConfigurationError);
    await expect(connector.kubeConfig('devel', eksCluster())).rejects.toThrow(
      /EKS cluster "devel" not found in us-west-2/,
    );
    expect(double.requests.filter((r) => r.path === '/clusters/devel')).toHaveLength(2);
  });

  it('a denied AssumeRole is a configuration error', async () => {
    double = await startAwsDouble({ clusters: { devel: botocore.response }, roles: [] });
    const connector = connectorFor(double.url, { now: T0 });
    const cluster = eksCluster({ roleArn: 'arn:aws:iam::111122223333:role/nope' });
    await expect(connector.kubeConfig('devel', cluster)).rejects.toThrow(ConfigurationError);
    await expect(connector.kubeConfig('devel', cluster)).rejects.toThrow(
      /AssumeRole .*role\/nope.* was denied/,
    );
  });

  it('gives up on a slow AWS API after the cluster timeout: unavailable, not a crash', async () => {
    double = await startAwsDouble({ clusters: { devel: botocore.response }, delayMs: 2_000 });
    const connector = connectorFor(double.url, { now: T0 });
    const error = await connector
      .kubeConfig('devel', eksCluster({ timeoutMs: 100 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/DescribeCluster devel \(us-west-2\) timed out after 100 ms/);
  });

  it('gives up on a slow AssumeRole after the cluster timeout: unavailable, and asked again next time', async () => {
    const role: AssumedRole = {
      accessKeyId: 'ASIAROLESLOW00000001',
      secretAccessKey: 's',
      sessionToken: 'slow',
      expiration: new Date(T0 + 60 * 60_000),
    };
    double = await startAwsDouble({ clusters: { devel: botocore.response }, roles: [role], delayMs: 2_000 });
    const connector = connectorFor(double.url, { now: T0 });
    const cluster = eksCluster({ roleArn: 'arn:aws:iam::111122223333:role/slow', timeoutMs: 100 });
    const error = await connector.kubeConfig('devel', cluster).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/AssumeRole arn:aws:iam::111122223333:role\/slow \(us-west-2\)/);
    await connector.kubeConfig('devel', cluster).catch(() => undefined);
    // A failed AssumeRole is not cached: the second attempt asked STS again.
    expect(double.requests.filter((r) => r.body.includes('Action=AssumeRole'))).toHaveLength(2);
  });

  it('refuses a cluster of another kind, and a DescribeCluster answer without an endpoint', async () => {
    double = await startAwsDouble({
      clusters: { creating: { cluster: { name: 'creating', status: 'CREATING' } } },
    });
    const connector = connectorFor(double.url, { now: T0 });
    await expect(connector.kubeConfig('x', ClusterSchema.parse({ kind: 'simulated' }))).rejects.toThrow(
      /not "eks"/,
    );
    await expect(connector.kubeConfig('creating', eksCluster({ name: 'creating' }))).rejects.toThrow(
      /has no endpoint and CA yet \(status CREATING\)/,
    );
  });
});

describe('EksConnector against a Kubernetes API server', () => {
  it('reaches the cluster DescribeCluster names, trusting only its CA, with the IAM token as the bearer token', async () => {
    const clusterName = 'prod-blue';
    const region = 'eu-west-1';
    // Tokens are deterministic for fixed credentials and clock: the API double accepts exactly this one.
    const expected = await eksToken({ clusterName, region, credentials: BASE, now: new Date(T0) });
    const kube = await startKubeApiDouble({ token: expected });
    try {
      double = await startAwsDouble({
        clusters: {
          [clusterName]: {
            cluster: {
              name: clusterName,
              status: 'ACTIVE',
              endpoint: kube.url,
              certificateAuthority: { data: Buffer.from(kube.caPem).toString('base64') },
            },
          },
        },
      });
      const clock = { now: T0 };
      const kc = await connectorFor(double.url, clock).kubeConfig(
        'prod',
        ClusterSchema.parse({ kind: 'eks', name: clusterName, region }),
      );
      const core = kc.makeApiClient(CoreV1Api);
      const namespaces = (await core.listNamespace()).items.map((n) => n.metadata?.name);
      expect(namespaces).toEqual(expect.arrayContaining(['default', 'kube-system']));

      // Thirteen minutes on, the connector signs a new token, which this API server does not know.
      clock.now = T0 + 13 * 60_000;
      const error = await core.listNamespace().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiException);
      expect((error as ApiException<unknown>).code).toBe(401);
    } finally {
      await kube.close();
    }
  });

  it('gives up on a slow API server after the cluster timeout', async () => {
    const clusterName = 'prod-slow';
    const region = 'eu-west-1';
    const kube = await startKubeApiDouble({
      token: await eksToken({ clusterName, region, credentials: BASE, now: new Date(T0) }),
    });
    try {
      double = await startAwsDouble({
        clusters: {
          [clusterName]: {
            cluster: {
              endpoint: kube.url,
              certificateAuthority: { data: Buffer.from(kube.caPem).toString('base64') },
            },
          },
        },
      });
      const kc = await connectorFor(double.url, { now: T0 }).kubeConfig(
        'prod',
        ClusterSchema.parse({ kind: 'eks', name: clusterName, region, timeoutMs: 150 }),
      );
      kube.injectFaults({ latencyMs: 3_000 });
      await expect(kc.makeApiClient(CoreV1Api).listNamespace()).rejects.toThrow(/abort/i);
    } finally {
      await kube.close();
    }
  });
});

import type { OutgoingHttpHeaders } from 'node:http';
import { DescribeClusterCommand, type DescribeClusterCommandOutput, EKSClient } from '@aws-sdk/client-eks';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { z } from 'zod';
import { ConfigurationError, UnavailableError } from '../errors.js';
import type { ClusterConfig } from '../model/config.js';
import type { ClusterConnector } from './cluster-connector.js';
import { type AwsCredentials, EKS_TOKEN_REFRESH_AFTER_MS, eksToken } from './eks-token.js';
import { TimeoutKubeConfig } from './request-timeout.js';

export type EksClusterConfig = Extract<ClusterConfig, { kind: 'eks' }>;
export type CredentialsProvider = () => Promise<AwsCredentials>;

/** The one EKS call Aviary makes; the SDK's EKSClient fits, so does anything answering like it. */
export interface EksClientLike {
  send(
    command: DescribeClusterCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<DescribeClusterCommandOutput>;
}
/** Settings of the STS client that assumes a cluster's `roleArn` (an endpoint, for a local AWS double). */
export interface StsClientSettings {
  endpoint?: string;
  maxAttempts?: number;
}

export interface EksConnectorOptions {
  /** Builds the EKS client of a region, signing with `credentials`. Defaults to the SDK's EKSClient. */
  eks?: (region: string, credentials: CredentialsProvider) => EksClientLike;
  /** Extra settings of the STS client of `fromTemporaryCredentials` (regional endpoint by default). */
  sts?: StsClientSettings;
  /** Base credentials. Defaults to the SDK's default chain (the Lambda role's credentials on AWS). */
  credentials?: CredentialsProvider;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** STS role session name, shown in CloudTrail and in the cluster's audit log. */
  roleSessionName?: string;
}

interface ClusterEndpoint {
  server: string;
  /** base64 of the PEM bundle, as DescribeCluster returns it and as a kubeconfig's `certificate-authority-data` wants it. */
  caData: string;
}

const DescribeClusterSchema = z.object({
  cluster: z.object({
    status: z.string().optional(),
    endpoint: z.string().url(),
    certificateAuthority: z.object({ data: z.string().min(1) }),
  }),
});

/** Assumed-role credentials are renewed this long before they expire. */
const ROLE_REFRESH_MARGIN_MS = 5 * 60_000;
const AUTH_PROVIDER = 'aviary-eks';

// client-node does not export its Authenticator interface; take it from the method that accepts one.
type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

// Endpoint and CA of a cluster change only if the cluster is recreated: one DescribeCluster per container.
const endpoints = new Map<string, Promise<ClusterEndpoint>>();

/** Forgets the DescribeCluster results this container has cached. */
export function clearEksEndpointCache(): void {
  endpoints.clear();
}

/**
 * Amazon EKS clusters: endpoint and CA from DescribeCluster, requests authenticated with a fresh IAM bearer token
 * (the same token `aws eks get-token` prints), optionally as an assumed role. The returned KubeConfig renews its
 * token by itself, so holding on to it is safe.
 */
export class EksConnector implements ClusterConnector {
  private readonly eks: (region: string, credentials: CredentialsProvider) => EksClientLike;
  private readonly sts: StsClientSettings;
  private readonly baseCredentials: CredentialsProvider;
  private readonly now: () => number;
  private readonly roleSessionName: string;
  private readonly roles = new Map<string, { expiresAt: number; credentials: Promise<AwsCredentials> }>();
  /** One AssumeRole provider (and so one STS client) per region and role. */
  private readonly roleProviders = new Map<string, CredentialsProvider>();
  private readonly tokens = new Map<string, { token: string; signedAt: number }>();

  constructor(options: EksConnectorOptions = {}) {
    this.eks = options.eks ?? ((region, credentials) => new EKSClient({ region, credentials }));
    this.sts = options.sts ?? {};
    this.baseCredentials = options.credentials ?? fromNodeProviderChain();
    this.now = options.now ?? Date.now;
    this.roleSessionName = options.roleSessionName ?? 'aviary';
  }

  async kubeConfig(name: string, cluster: ClusterConfig): Promise<KubeConfig> {
    if (cluster.kind !== 'eks') throw new Error(`cluster "${name}" is of kind "${cluster.kind}", not "eks"`);
    const credentials = this.credentialsFor(cluster);
    const endpoint = await this.endpoint(cluster, credentials);

    const kc = new TimeoutKubeConfig(cluster.timeoutMs);
    const user: User = { name: `aviary@${name}`, authProvider: { name: AUTH_PROVIDER, config: {} } };
    kc.loadFromOptions({
      clusters: [{ name, server: endpoint.server, caData: endpoint.caData, skipTLSVerify: false }],
      users: [user],
      contexts: [{ name, cluster: name, user: user.name }],
      currentContext: name,
    });
    kc.addAuthenticator(new EksTokenAuthenticator(() => this.token(cluster, credentials)));
    return kc;
  }

  /** A token for the cluster, reused until it is 13 minutes old (clusters accept it for 15). */
  async token(
    cluster: EksClusterConfig,
    credentials: CredentialsProvider = this.credentialsFor(cluster),
  ): Promise<string> {
    const creds = await credentials();
    const key = `${cluster.region}/${cluster.name}/${creds.accessKeyId}`;
    const now = this.now();
    const cached = this.tokens.get(key);
    if (cached && now - cached.signedAt < EKS_TOKEN_REFRESH_AFTER_MS) return cached.token;
    const token = await eksToken({
      clusterName: cluster.name,
      region: cluster.region,
      credentials: creds,
      now: new Date(now),
    });
    this.tokens.set(key, { token, signedAt: now });
    return token;
  }

  private credentialsFor(cluster: EksClusterConfig): CredentialsProvider {
    const roleArn = cluster.roleArn;
    if (roleArn === undefined) return this.baseCredentials;
    return () => this.assumeRole(roleArn, cluster);
  }

  private assumeRole(roleArn: string, cluster: EksClusterConfig): Promise<AwsCredentials> {
    const key = `${cluster.region}/${roleArn}`;
    const cached = this.roles.get(key);
    if (cached && this.now() < cached.expiresAt - ROLE_REFRESH_MARGIN_MS) return cached.credentials;

    const entry: { expiresAt: number; credentials: Promise<AwsCredentials> } = {
      expiresAt: Number.POSITIVE_INFINITY,
      credentials: this.fetchRoleCredentials(roleArn, cluster).then((credentials) => {
        entry.expiresAt = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
        return credentials;
      }),
    };
    this.roles.set(key, entry);
    entry.credentials.catch(() => {
      if (this.roles.get(key) === entry) this.roles.delete(key);
    });
    return entry.credentials;
  }

  /**
   * The SDK's `fromTemporaryCredentials` calls STS AssumeRole (with the base credentials, in the cluster's
   * region); it caches nothing itself, so `assumeRole` above keeps its answer until shortly before it expires.
   */
  private fetchRoleCredentials(roleArn: string, cluster: EksClusterConfig): Promise<AwsCredentials> {
    const key = `${cluster.region}/${roleArn}`;
    let provider = this.roleProviders.get(key);
    if (provider === undefined) {
      provider = fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: this.roleSessionName },
        masterCredentials: this.baseCredentials,
        clientConfig: {
          region: cluster.region,
          ...this.sts,
          // The SDK's own socket timeout, so an unanswered call does not outlive the one given up on below.
          requestHandler: { requestTimeout: cluster.timeoutMs, connectionTimeout: cluster.timeoutMs },
        },
      });
      this.roleProviders.set(key, provider);
    }
    const assume = provider;
    return this.call(`AssumeRole ${roleArn}`, cluster, (signal) => untilAborted(assume(), signal));
  }

  private endpoint(cluster: EksClusterConfig, credentials: CredentialsProvider): Promise<ClusterEndpoint> {
    const key = `${cluster.region}/${cluster.name}/${cluster.roleArn ?? ''}`;
    const cached = endpoints.get(key);
    if (cached) return cached;
    const pending = this.describe(cluster, credentials);
    endpoints.set(key, pending);
    // A failed lookup is not cached: the next tick asks again.
    pending.catch(() => {
      if (endpoints.get(key) === pending) endpoints.delete(key);
    });
    return pending;
  }

  private async describe(
    cluster: EksClusterConfig,
    credentials: CredentialsProvider,
  ): Promise<ClusterEndpoint> {
    const out = await this.call(`DescribeCluster ${cluster.name}`, cluster, (signal) =>
      this.eks(cluster.region, credentials).send(new DescribeClusterCommand({ name: cluster.name }), {
        abortSignal: signal,
      }),
    );
    const parsed = DescribeClusterSchema.safeParse(out);
    if (!parsed.success) {
      throw new UnavailableError(
        `EKS cluster "${cluster.name}" in ${cluster.region} has no endpoint and CA yet (status ${out.cluster?.status ?? 'unknown'})`,
      );
    }
    const { endpoint, certificateAuthority } = parsed.data.cluster;
    if (
      !Buffer.from(certificateAuthority.data, 'base64')
        .toString('utf8')
        .includes('-----BEGIN CERTIFICATE-----')
    ) {
      throw new ConfigurationError(
        `EKS cluster "${cluster.name}": certificateAuthority.data is not a base64 PEM bundle`,
      );
    }
    return { server: endpoint, caData: certificateAuthority.data };
  }

  /** Runs one AWS call under the cluster's timeout and says which errors are configuration problems. */
  private async call<T>(
    what: string,
    cluster: EksClusterConfig,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const signal = AbortSignal.timeout(cluster.timeoutMs);
    try {
      return await run(signal);
    } catch (error) {
      if (error instanceof UnavailableError || error instanceof ConfigurationError) throw error;
      const e = error as { name?: string; message?: string };
      if (signal.aborted)
        throw new UnavailableError(`${what} (${cluster.region}) timed out after ${cluster.timeoutMs} ms`);
      if (e.name === 'ResourceNotFoundException') {
        throw new ConfigurationError(
          `EKS cluster "${cluster.name}" not found in ${cluster.region}: ${e.message}`,
        );
      }
      if (e.name === 'AccessDeniedException' || e.name === 'AccessDenied') {
        throw new ConfigurationError(`${what} (${cluster.region}) was denied: ${e.message}`);
      }
      throw new UnavailableError(
        `${what} (${cluster.region}) failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`,
      );
    }
  }
}

/** `work`, or a rejection when `signal` aborts first (for calls that take no abort signal of their own). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Puts a fresh EKS bearer token on every request of the KubeConfig it is added to. */
class EksTokenAuthenticator implements Authenticator {
  constructor(private readonly token: () => Promise<string>) {}

  isAuthProvider(user: User): boolean {
    return (user.authProvider as { name?: string } | undefined)?.name === AUTH_PROVIDER;
  }

  async applyAuthentication(_user: User, opts: { headers?: OutgoingHttpHeaders }): Promise<void> {
    opts.headers = { ...opts.headers, Authorization: `Bearer ${await this.token()}` };
  }
}

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** Static AWS credentials, as the default provider chain or STS AssumeRole hands them out. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary credentials stop working. */
  expiration?: Date;
}

export interface EksTokenInput {
  clusterName: string;
  region: string;
  credentials: AwsCredentials;
  now: Date;
}

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** The header that binds a token to one cluster: signed, so a token for one cluster is useless on another. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** API servers accept a token for 15 minutes after its X-Amz-Date, whatever X-Amz-Expires says. */
export const EKS_TOKEN_LIFETIME_MS = 15 * 60_000;
/**
 * Tokens are renewed this long after signing: client-go's aws-iam-authenticator renews at 14 minutes; one more
 * minute of cushion covers a slow request and a little clock skew.
 */
export const EKS_TOKEN_REFRESH_AFTER_MS = 13 * 60_000;

// Kept at 60 for old authenticators that reject anything above; STS ignores it for presigned GetCallerIdentity.
const PRESIGN_EXPIRES_SECONDS = 60;

/**
 * The bearer token EKS API servers accept (what `aws eks get-token` prints): `k8s-aws-v1.` + unpadded base64url
 * of a SigV4-presigned STS GetCallerIdentity URL. Pure: same inputs, same token, byte for byte.
 */
export async function eksToken(input: EksTokenInput): Promise<string> {
  const url = await presignedCallerIdentityUrl(input);
  return EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

/**
 * The presigned STS URL a token wraps (regional endpoint, so the token works in opt-in regions too), signed by
 * the SDK's own SigV4 signer: the cluster header stays a signed header (it is not hoisted into the query as
 * `x-amz-*` headers are), and the payload hash is that of the empty body, as aws-iam-authenticator expects.
 */
export async function presignedCallerIdentityUrl({
  clusterName,
  region,
  credentials,
  now,
}: EksTokenInput): Promise<string> {
  if (clusterName === '') throw new Error('eksToken: clusterName is required');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`eksToken: "${region}" is not an AWS region`);
  if (credentials.accessKeyId === '' || credentials.secretAccessKey === '') {
    throw new Error('eksToken: credentials need an access key id and a secret access key');
  }
  if (Number.isNaN(now.getTime())) throw new Error('eksToken: now is not a valid date');

  const host = `sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
  const signer = new SignatureV4({
    service: 'sts',
    region,
    sha256: Sha256,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host, [CLUSTER_ID_HEADER]: clusterName },
    },
    { signingDate: now, expiresIn: PRESIGN_EXPIRES_SECONDS },
  );
  const { 'X-Amz-Signature': signature, ...signed } = presigned.query ?? {};
  // The query as aws-iam-authenticator writes it: parameters sorted, the signature last.
  const query = Object.keys(signed)
    .sort()
    .map((key) => `${rfc3986(key)}=${rfc3986(String(signed[key]))}`)
    .join('&');
  return `https://${host}/?${query}&X-Amz-Signature=${String(signature)}`;
}

/** URL query encoding as SigV4 canonicalises it: RFC 3986 unreserved characters left alone. */
const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

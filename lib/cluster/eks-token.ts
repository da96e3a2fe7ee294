import { createHash, createHmac } from 'node:crypto';

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
const EMPTY_PAYLOAD_SHA256 = createHash('sha256').update('').digest('hex');
const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * The bearer token EKS API servers accept (what `aws eks get-token` prints): `k8s-aws-v1.` + unpadded base64url
 * of a SigV4-presigned STS GetCallerIdentity URL. Pure: same inputs, same token, byte for byte.
 */
export function eksToken(input: EksTokenInput): string {
  return EKS_TOKEN_PREFIX + Buffer.from(presignedCallerIdentityUrl(input), 'utf8').toString('base64url');
}

/** The presigned STS URL a token wraps (regional endpoint, so the token works in opt-in regions too). */
export function presignedCallerIdentityUrl({ clusterName, region, credentials, now }: EksTokenInput): string {
  if (clusterName === '') throw new Error('eksToken: clusterName is required');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`eksToken: "${region}" is not an AWS region`);
  if (credentials.accessKeyId === '' || credentials.secretAccessKey === '') {
    throw new Error('eksToken: credentials need an access key id and a secret access key');
  }
  if (Number.isNaN(now.getTime())) throw new Error('eksToken: now is not a valid date');

  const host = `sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/sts/aws4_request`;
  const signedHeaders = `host;${CLUSTER_ID_HEADER}`;

  const params: [string, string][] = [
    ['Action', 'GetCallerIdentity'],
    ['Version', '2011-06-15'],
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(PRESIGN_EXPIRES_SECONDS)],
    ['X-Amz-SignedHeaders', signedHeaders],
  ];
  if (credentials.sessionToken) params.push(['X-Amz-Security-Token', credentials.sessionToken]);
  const query = params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

  const canonicalRequest = [
    'GET',
    '/',
    query,
    `host:${host}\n${CLUSTER_ID_HEADER}:${clusterName}\n`,
    signedHeaders,
    EMPTY_PAYLOAD_SHA256,
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = ['sts', 'aws4_request'].reduce(
    (key, part) => hmac(key, part),
    hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region),
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `https://${host}/?${query}&X-Amz-Signature=${signature}`;
}

const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

/** SigV4 wants RFC 3986 unreserved characters left alone and everything else percent-encoded. */
const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

import { CLUSTER_ID_HEADER, EKS_TOKEN_LIFETIME_MS, EKS_TOKEN_PREFIX } from '../cluster/eks-token.js';

/**
 * The checks an EKS API server's authenticator (aws-iam-authenticator `Verify`) makes on a bearer token before it
 * calls STS: shape, host, query whitelist, signed cluster header, expiry. Pure; used to check the tokens Aviary
 * generates against the same rules a cluster applies. Error texts follow the authenticator's.
 */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export type EksTokenCheck =
  | { ok: true; url: string; region: string; signedAt: Date; accessKeyId: string }
  | { ok: false; error: string };

const MAX_TOKEN_LENGTH = 4 * 1024;
const FORMAT_ERROR = 'input token was not properly formatted: ';
const DATE_FORMAT = '20060102T150405Z';
const ALLOWED_PARAMS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);
const PARTITION_DOMAINS: Record<Partition, readonly string[]> = {
  aws: ['amazonaws.com', 'api.aws'],
  'aws-cn': ['amazonaws.com.cn', 'api.amazonwebservices.com.cn'],
  'aws-us-gov': ['amazonaws.com', 'api.aws'],
};

class TokenFormatError extends Error {}
function fail(message: string): never {
  throw new TokenFormatError(FORMAT_ERROR + message);
}

export function verifyEksToken(token: string, options: { partition?: Partition; now: Date }): EksTokenCheck {
  try {
    return { ok: true, ...check(token, options.partition ?? 'aws', options.now) };
  } catch (error) {
    if (error instanceof TokenFormatError) return { ok: false, error: error.message };
    throw error;
  }
}

function check(token: string, partition: Partition, now: Date) {
  if (token.length > MAX_TOKEN_LENGTH) fail('token is too large');
  if (!token.startsWith(EKS_TOKEN_PREFIX)) fail(`token is missing expected "${EKS_TOKEN_PREFIX}" prefix`);
  const url = decodeRawBase64Url(token.slice(EKS_TOKEN_PREFIX.length));
  const { scheme, host, path, rawQuery } = parseUrl(url);
  if (scheme !== 'https') fail(`unexpected scheme "${scheme}" in pre-signed URL`);
  const region = verifyHost(host, partition);
  if (path !== '/') fail('unexpected path in pre-signed URL');

  const params = parseQuery(rawQuery);
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key.toLowerCase())) fail(`duplicate query parameter found: "${key}"`);
    seen.add(key.toLowerCase());
  }
  const lower = new Map<string, string>();
  for (const [key, values] of params) {
    if (!ALLOWED_PARAMS.has(key.toLowerCase())) fail(`non-whitelisted query parameter "${key}"`);
    if (values.length !== 1) fail('query parameter with multiple values not supported');
    lower.set(key.toLowerCase(), values[0] ?? '');
  }
  if (lower.get('action') !== 'GetCallerIdentity') fail('unexpected action parameter in pre-signed URL');
  const signed = (lower.get('x-amz-signedheaders') ?? '').split(';').map((h) => h.toLowerCase());
  if (!signed.includes(CLUSTER_ID_HEADER)) {
    fail(`client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`);
  }
  const expiresText = lower.get('x-amz-expires') ?? '';
  const expires = /^[+-]?\d+$/.test(expiresText) ? Number(expiresText) : 0;
  if (!/^[+-]?\d+$/.test(expiresText) || expires < 0 || expires > 900) {
    fail(`invalid X-Amz-Expires parameter in pre-signed URL: ${expires}`);
  }
  const date = lower.get('x-amz-date') ?? '';
  if (date === '') fail('X-Amz-Date parameter must be present in pre-signed URL');
  const signedAt = parseAmzDate(date);
  if (signedAt === null) fail(`error parsing X-Amz-Date parameter ${date} into format ${DATE_FORMAT}`);
  if (now.getTime() > signedAt.getTime() + EKS_TOKEN_LIFETIME_MS) {
    fail(`X-Amz-Date parameter is expired (15 minute expiration) ${signedAt.toISOString()}`);
  }
  const accessKeyId = (lower.get('x-amz-credential') ?? '').split('/')[0] ?? '';
  return { url, region, signedAt, accessKeyId };
}

/** Go's base64.RawURLEncoding: URL alphabet, no padding, and a length that can come from whole bytes. */
function decodeRawBase64Url(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (!/[A-Za-z0-9_-]/.test(text[i] ?? '')) fail(`illegal base64 data at input byte ${i}`);
  }
  if (text.length % 4 === 1) fail(`illegal base64 data at input byte ${text.length - 1}`);
  return Buffer.from(text, 'base64url').toString('utf8');
}

/** Splits a URL the way Go's net/url does, so paths and hosts are seen as the authenticator sees them. */
function parseUrl(raw: string): { scheme: string; host: string; path: string; rawQuery: string } {
  let rest = raw;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  let scheme = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] ?? '';
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) fail('missing protocol scheme');
      scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf('?');
  const rawQuery = q >= 0 ? rest.slice(q + 1) : '';
  if (q >= 0) rest = rest.slice(0, q);
  let host = '';
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    host = end >= 0 ? rest.slice(2, end) : rest.slice(2);
    rest = end >= 0 ? rest.slice(end) : '';
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
  }
  return { scheme, host, path: rest, rawQuery };
}

/** STS hosts look like `sts[-fips].<region>.<partition domain>`, or the global `sts.amazonaws.com` (aws only). */
function verifyHost(host: string, partition: Partition): string {
  if (host === '') fail(`could not parse region for pre-signed URL ${host}, host is empty`);
  const labels = host.split('.');
  if (labels.length < 3)
    fail(`could not parse region for pre-signed URL ${host}, invalid host format: ${host}`);
  if (host === 'sts.amazonaws.com') {
    if (partition !== 'aws') fail(`global endpoint unsupported in partition ${partition}`);
    return 'us-east-1';
  }
  const region = labels[1] ?? '';
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(region)) {
    fail(`invalid region identifier format provided: ${region}`);
  }
  const service = labels[0] ?? '';
  const domain = labels.slice(2).join('.');
  const anyPartition = Object.values(PARTITION_DOMAINS).some((domains) => domains.includes(domain));
  if ((service !== 'sts' && service !== 'sts-fips') || !anyPartition) {
    fail(`unexpected hostname "${host}" in pre-signed URL`);
  }
  if (!PARTITION_DOMAINS[partition].includes(domain))
    fail(`partition {${partition}} does not support hostname ${host}`);
  return region;
}

/** Go's url.ParseQuery: `&`-separated, `+` is a space, a bad escape or a `;` is an error. Keys keep their order. */
function parseQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of raw.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) fail('malformed query parameter');
    const eq = part.indexOf('=');
    const key = unescapeQuery(eq >= 0 ? part.slice(0, eq) : part);
    const value = unescapeQuery(eq >= 0 ? part.slice(eq + 1) : '');
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

function unescapeQuery(s: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) fail('malformed query parameter');
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    // Valid escapes that are not UTF-8 still parse in Go; only their text differs, which no check here reads.
    return s;
  }
}

function parseAmzDate(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject rollovers such as month 13 or 25:00 that Date.UTC would silently normalise.
  if (
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    date.getUTCHours() !== h ||
    mi > 59 ||
    s > 59
  ) {
    return null;
  }
  return date;
}

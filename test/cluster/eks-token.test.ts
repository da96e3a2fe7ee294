import { describe, expect, it } from 'vitest';
import { eksToken, presignedCallerIdentityUrl } from '../../lib/cluster/eks-token.js';
import { type Partition, verifyEksToken } from '../../lib/local/eks-token-verifier.js';
import { readJsonVector } from '../support/vectors.js';

interface TokenVector {
  inputs: {
    cluster_id: string;
    region: string;
    signing_time_unix: number;
    access_key_id_base64: string;
    secret_access_key_base64: string;
  };
  expected_token: string;
  expected_token_length: number;
  decoded_presigned_url: string;
  verification: { negative_same_request_signed_for_cluster_other_cluster: string };
}
interface VerifierCases {
  cases: {
    expect: 'error' | 'pass-pre-STS-validation';
    partition: Partition;
    token_expr_go: string;
    expected_error_go: string | null;
  }[];
}

const vector = readJsonVector<TokenVector>('eks_iam_authenticator_token_vector.json');
const verifierCases = readJsonVector<VerifierCases>('eks_iam_authenticator_verifier_cases.json');
const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
const vectorInput = {
  clusterName: vector.inputs.cluster_id,
  region: vector.inputs.region,
  credentials: {
    accessKeyId: b64(vector.inputs.access_key_id_base64),
    secretAccessKey: b64(vector.inputs.secret_access_key_base64),
  },
  now: new Date(vector.inputs.signing_time_unix * 1000),
};

describe('eksToken against the aws-iam-authenticator vector', () => {
  it('reproduces the expected token byte for byte', async () => {
    const token = await eksToken(vectorInput);
    expect(token).toBe(vector.expected_token);
    expect(token.length).toBe(vector.expected_token_length);
  });

  it('wraps the expected presigned URL as unpadded base64url', async () => {
    expect(await presignedCallerIdentityUrl(vectorInput)).toBe(vector.decoded_presigned_url);
    const body = (await eksToken(vectorInput)).slice('k8s-aws-v1.'.length);
    expect(body).not.toMatch(/[=+/]/);
    expect(Buffer.from(body, 'base64url').toString('utf8')).toBe(vector.decoded_presigned_url);
  });

  it('binds the token to the cluster name: another cluster gives the signature the vector lists', async () => {
    const url = await presignedCallerIdentityUrl({ ...vectorInput, clusterName: 'other-cluster' });
    expect(new URL(url).searchParams.get('X-Amz-Signature')).toBe(
      vector.verification.negative_same_request_signed_for_cluster_other_cluster,
    );
  });

  it('puts a session token in the signed query, in sorted position', async () => {
    const url = await presignedCallerIdentityUrl({
      ...vectorInput,
      credentials: { ...vectorInput.credentials, sessionToken: 'FwoGZXIvYXdzE+/=token' },
    });
    const keys = [...new URL(url).searchParams.keys()];
    expect(keys).toEqual([
      'Action',
      'Version',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-Security-Token',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
    ]);
    expect(url).toContain('X-Amz-Security-Token=FwoGZXIvYXdzE%2B%2F%3Dtoken');
    expect(new URL(url).searchParams.get('X-Amz-Signature')).not.toBe(
      new URL(vector.decoded_presigned_url).searchParams.get('X-Amz-Signature'),
    );
  });

  it('uses the China partition domain for cn- regions', async () => {
    const url = await presignedCallerIdentityUrl({ ...vectorInput, region: 'cn-north-1' });
    expect(new URL(url).host).toBe('sts.cn-north-1.amazonaws.com.cn');
  });

  it('rejects bad input with a clear error', async () => {
    await expect(eksToken({ ...vectorInput, clusterName: '' })).rejects.toThrow(/clusterName is required/);
    await expect(eksToken({ ...vectorInput, region: 'mars' })).rejects.toThrow(/"mars" is not an AWS region/);
    await expect(
      eksToken({ ...vectorInput, credentials: { accessKeyId: '', secretAccessKey: 'x' } }),
    ).rejects.toThrow(/access key id/);
    await expect(eksToken({ ...vectorInput, now: new Date(Number.NaN) })).rejects.toThrow(/not a valid date/);
  });
});

/** Go's `toToken`, `fmt.Sprintf` and string literals, enough to evaluate the expressions the cases are written in. */
function evalGo(expr: string, timeStr: string): string {
  const e = expr.trim();
  if (e === 's') return '\u0000'.repeat(4 * 1024 + 1);
  const toToken = /^toToken\((.*)\)$/s.exec(e);
  if (toToken)
    return `k8s-aws-v1.${Buffer.from(evalGo(toToken[1] ?? '', timeStr), 'utf8').toString('base64url')}`;
  const sprintf = /^fmt\.Sprintf\(("(?:[^"\\]|\\.)*")((?:,\s*(?:"(?:[^"\\]|\\.)*"|timeStr))*)\)$/s.exec(e);
  if (sprintf) {
    const args = [...(sprintf[2] ?? '').matchAll(/"(?:[^"\\]|\\.)*"|timeStr/g)].map((m) =>
      m[0] === 'timeStr' ? timeStr : (JSON.parse(m[0]) as string),
    );
    let i = 0;
    return (JSON.parse(sprintf[1] ?? '""') as string).replace(/%%|%s/g, (m) =>
      m === '%%' ? '%' : (args[i++] ?? ''),
    );
  }
  if (/^"(?:[^"\\]|\\.)*"$/s.test(e)) return JSON.parse(e) as string;
  throw new Error(`cannot evaluate Go expression ${e}`);
}

const goTime = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

describe('verifyEksToken: the authenticator cases before the STS call', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  const timeStr = goTime(now);

  it('has the 22 cases the vectors README describes', () => {
    expect(verifierCases.cases).toHaveLength(22);
    expect(verifierCases.cases.filter((c) => c.expect === 'error')).toHaveLength(17);
  });

  for (const [i, c] of verifierCases.cases.entries()) {
    it(`case ${i + 1}: ${c.expect} for ${c.token_expr_go.slice(0, 90)}`, () => {
      const result = verifyEksToken(evalGo(c.token_expr_go, timeStr), { partition: c.partition, now });
      if (c.expect === 'error') {
        const expected = evalGo(c.expected_error_go ?? '', timeStr);
        expect(expected.length).toBeGreaterThan(10);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error).toContain(expected);
      } else {
        expect(result).toMatchObject({ ok: true });
      }
    });
  }
});

describe('tokens Aviary generates pass the verifier rules', () => {
  const signedAt = new Date('2025-03-10T08:30:00Z');
  const credentials = {
    accessKeyId: 'ASIAEXAMPLEKEY000001',
    secretAccessKey: 'c2VjcmV0',
    sessionToken: 'IQoJb3JpZ2lu/+=',
  };

  it('the vector token passes at its signing time', () => {
    const result = verifyEksToken(vector.expected_token, { now: vectorInput.now });
    expect(result).toMatchObject({
      ok: true,
      region: 'us-west-2',
      accessKeyId: vectorInput.credentials.accessKeyId,
    });
  });

  for (const [region, partition] of [
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['ap-southeast-2', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
  ] as const) {
    it(`passes for ${region} (${partition}) with a session token, and expires after 15 minutes`, async () => {
      const token = await eksToken({ clusterName: 'prod-blue', region, credentials, now: signedAt });
      expect(token.length).toBeLessThanOrEqual(4096);
      const fresh = verifyEksToken(token, {
        partition,
        now: new Date(signedAt.getTime() + 14 * 60_000 + 59_000),
      });
      expect(fresh).toMatchObject({ ok: true, region, accessKeyId: credentials.accessKeyId, signedAt });
      const stale = verifyEksToken(token, {
        partition,
        now: new Date(signedAt.getTime() + 15 * 60_000 + 1_000),
      });
      expect(stale.ok).toBe(false);
      if (!stale.ok) expect(stale.error).toContain('X-Amz-Date parameter is expired');
    });
  }

  it('a token for one partition is refused by a verifier of another', async () => {
    const token = await eksToken({ clusterName: 'c', region: 'cn-north-1', credentials, now: signedAt });
    const result = verifyEksToken(token, { partition: 'aws', now: signedAt });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toContain('does not support hostname sts.cn-north-1.amazonaws.com.cn');
  });

  it('a tampered token (cluster header dropped from the signed headers) is refused', async () => {
    const url = await presignedCallerIdentityUrl({
      clusterName: 'c',
      region: 'us-east-1',
      credentials,
      now: signedAt,
    });
    const tampered = url.replace('X-Amz-SignedHeaders=host%3Bx-k8s-aws-id', 'X-Amz-SignedHeaders=host');
    expect(tampered).not.toBe(url);
    const result = verifyEksToken(`k8s-aws-v1.${Buffer.from(tampered).toString('base64url')}`, {
      now: signedAt,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('did not sign the x-k8s-aws-id header');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeOnSecretChange } from '../../lib/app/compose-on-secret-change.js';
import { createSecretsLoader, loadSecrets, SecretsError } from '../../lib/app/secrets.js';
import { type AwsJsonAnswer, type AwsJsonCall, startAwsJsonDouble } from './aws-json-double.js';

const VALUES: Record<string, string> = {
  '/aviary/prod/deploy-secret': 'd-3f9a1c0e77',
  '/aviary/prod/slack-signing-secret': 's-8f742231b1',
  '/aviary/prod/slack-bot-token': 'xoxb-111-222-abc',
  '/aviary/prod/github-webhook-secret': 'g-a9b8c7d6e5',
  '/aviary/prod/github-token': 'ghp-5e4d3c2b1a',
  '/aviary/prod/github-app-private-key': '-----BEGIN PRIVATE KEY-----k-----END PRIVATE KEY-----',
  '/aviary/prod/view-secret': 'v-5e6f7a8b9c',
};

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: async () => ({
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  }),
});

/** SSM GetParameter as the service answers it; `WithDecryption` must be asked for SecureStrings. */
function ssm(values: Record<string, string>, denied: string[] = []) {
  return ({ target, body }: AwsJsonCall): AwsJsonAnswer => {
    if (target !== 'AmazonSSM.GetParameter')
      return { status: 400, body: { __type: 'UnknownOperationException' } };
    const name = String(body.Name);
    if (denied.includes(name))
      return { status: 400, body: { __type: 'AccessDeniedException', message: `denied ${values[name]}` } };
    const value = values[name];
    if (value === undefined) return { status: 400, body: { __type: 'ParameterNotFound' } };
    return {
      status: 200,
      body: {
        Parameter: {
          Name: name,
          Type: 'SecureString',
          Value: body.WithDecryption === true ? value : 'AQICAHg-encrypted-blob',
          Version: 1,
          DataType: 'text',
          ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name}`,
        },
      },
    };
  };
}

const doubles: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(doubles.splice(0).map((d) => d.close()));
});

describe('loadSecrets from the environment (local)', () => {
  it('reads the variables; the bot token and the GitHub token are optional', async () => {
    const env = {
      AVIARY_DEPLOY_SECRET: 'a',
      SLACK_SIGNING_SECRET: 'b',
      GITHUB_WEBHOOK_SECRET: 'c',
    };
    expect(await loadSecrets(env)).toEqual({
      deploySecret: 'a',
      slackSigningSecret: 'b',
      slackBotToken: null,
      githubWebhookSecret: 'c',
      githubToken: null,
      githubAppPrivateKey: null,
      viewSecret: null,
    });
    expect((await loadSecrets({ ...env, SLACK_BOT_TOKEN: 'xoxb-1' })).slackBotToken).toBe('xoxb-1');
    expect((await loadSecrets({ ...env, GITHUB_TOKEN: 'ghp-1' })).githubToken).toBe('ghp-1');
  });

  it('names every missing variable', async () => {
    const error = await loadSecrets({ SLACK_SIGNING_SECRET: 'b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect(String(error)).toContain('AVIARY_DEPLOY_SECRET, GITHUB_WEBHOOK_SECRET');
  });
});

describe('loadSecrets from SSM Parameter Store (AWS)', () => {
  it('reads SecureStrings under the prefix, decrypted, in signed SSM GetParameter calls', async () => {
    const double = await startAwsJsonDouble(ssm(VALUES));
    doubles.push(double);
    const secrets = await loadSecrets(
      { AVIARY_SECRETS_PREFIX: '/aviary/prod/' },
      clientConfig(double.endpoint),
    );
    expect(secrets).toEqual({
      deploySecret: 'd-3f9a1c0e77',
      slackSigningSecret: 's-8f742231b1',
      slackBotToken: 'xoxb-111-222-abc',
      githubWebhookSecret: 'g-a9b8c7d6e5',
      githubToken: 'ghp-5e4d3c2b1a',
      githubAppPrivateKey: '-----BEGIN PRIVATE KEY-----k-----END PRIVATE KEY-----',
      viewSecret: 'v-5e6f7a8b9c',
    });
    expect(double.calls.map((c) => [c.body.Name, c.body.WithDecryption]).sort()).toEqual(
      Object.keys(VALUES)
        .sort()
        .map((name) => [name, true]),
    );
    // Signed by the SDK's SigV4 signer for SSM in the region, with the credentials given.
    for (const call of double.calls) {
      expect(call.target).toBe('AmazonSSM.GetParameter');
      expect(call.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/ssm\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
      );
    }
  });

  it('treats a missing bot token as "no Slack" but a missing webhook secret as an error naming it', async () => {
    const { '/aviary/prod/slack-bot-token': _token, ...withoutToken } = VALUES;
    const double = await startAwsJsonDouble(ssm(withoutToken));
    doubles.push(double);
    const client = clientConfig(double.endpoint);
    expect((await loadSecrets({ AVIARY_SECRETS_PREFIX: '/aviary/prod' }, client)).slackBotToken).toBeNull();

    const { '/aviary/prod/github-webhook-secret': _github, ...withoutGithub } = VALUES;
    const second = await startAwsJsonDouble(ssm(withoutGithub));
    doubles.push(second);
    const error = await loadSecrets(
      { AVIARY_SECRETS_PREFIX: '/aviary/prod' },
      clientConfig(second.endpoint),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect(String(error)).toContain('/aviary/prod/github-webhook-secret is missing');
  });

  it('never puts a secret value in an error, even when AWS quotes one', async () => {
    const double = await startAwsJsonDouble(ssm(VALUES, ['/aviary/prod/deploy-secret']));
    doubles.push(double);
    const error = await loadSecrets(
      { AVIARY_SECRETS_PREFIX: '/aviary/prod' },
      clientConfig(double.endpoint),
    ).catch((e: unknown) => e);
    expect(String(error)).toBe(
      'SecretsError: could not read secret /aviary/prod/deploy-secret from ssm: AccessDeniedException',
    );
    for (const value of Object.values(VALUES)) expect(String(error)).not.toContain(value);
  });

  it('refuses an unknown source', async () => {
    await expect(
      loadSecrets({ AVIARY_SECRETS_PREFIX: '/x', AVIARY_SECRETS_SOURCE: 'vault' }),
    ).rejects.toThrow('AVIARY_SECRETS_SOURCE');
  });
});

describe('loadSecrets from Secrets Manager (AWS)', () => {
  it('reads SecretString values under the prefix', async () => {
    const double = await startAwsJsonDouble(({ target, body }) => {
      if (target !== 'secretsmanager.GetSecretValue')
        return { status: 400, body: { __type: 'InvalidRequestException' } };
      const value = VALUES[String(body.SecretId)];
      if (value === undefined) return { status: 400, body: { __type: 'ResourceNotFoundException' } };
      return {
        status: 200,
        body: {
          ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${body.SecretId}`,
          Name: body.SecretId,
          SecretString: value,
          VersionId: 'v1',
        },
      };
    });
    doubles.push(double);
    const secrets = await loadSecrets(
      { AVIARY_SECRETS_PREFIX: '/aviary/prod', AVIARY_SECRETS_SOURCE: 'secretsmanager' },
      clientConfig(double.endpoint),
    );
    expect(secrets.deploySecret).toBe('d-3f9a1c0e77');
    expect(secrets.slackBotToken).toBe('xoxb-111-222-abc');
    expect(secrets.viewSecret).toBe('v-5e6f7a8b9c');
    expect(double.calls).toHaveLength(7);
    expect(double.calls[0]?.authorization).toMatch(/\/us-east-1\/secretsmanager\/aws4_request, /);
  });

  it('reads a binary secret (base64 in the JSON answer) as text', async () => {
    const double = await startAwsJsonDouble(({ body }) => ({
      status: 200,
      body: {
        Name: body.SecretId,
        SecretBinary: Buffer.from(`bin:${String(body.SecretId)}`).toString('base64'),
      },
    }));
    doubles.push(double);
    const secrets = await loadSecrets(
      { AVIARY_SECRETS_PREFIX: '/aviary/prod', AVIARY_SECRETS_SOURCE: 'secretsmanager' },
      clientConfig(double.endpoint),
      ['deploySecret'],
    );
    expect(secrets).toEqual({ deploySecret: 'bin:/aviary/prod/deploy-secret' });
  });
});

describe('each function fetches only its own secrets, refreshed after maxAge', () => {
  it('asks SSM for the named secrets and no other', async () => {
    const double = await startAwsJsonDouble(ssm(VALUES));
    doubles.push(double);
    const load = createSecretsLoader({
      keys: ['deploySecret', 'slackBotToken'],
      env: { AVIARY_SECRETS_PREFIX: '/aviary/prod' },
      clients: clientConfig(double.endpoint),
    });
    expect(await load()).toEqual({ deploySecret: 'd-3f9a1c0e77', slackBotToken: 'xoxb-111-222-abc' });
    expect(double.calls.map((c) => c.body.Name).sort()).toEqual([
      '/aviary/prod/deploy-secret',
      '/aviary/prod/slack-bot-token',
    ]);
  });

  it('serves a warm container from its cache, then picks up a rotated secret once maxAge has passed', async () => {
    const values = { ...VALUES };
    const double = await startAwsJsonDouble(ssm(values));
    doubles.push(double);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 11, 1, 12, 0, 0) });
    try {
      const load = createSecretsLoader({
        keys: ['deploySecret'],
        env: { AVIARY_SECRETS_PREFIX: '/aviary/prod', AVIARY_SECRETS_MAX_AGE: '60' },
        clients: clientConfig(double.endpoint),
      });
      expect((await load()).deploySecret).toBe('d-3f9a1c0e77');
      values['/aviary/prod/deploy-secret'] = 'd-rotated-5521';
      vi.setSystemTime(Date.UTC(2026, 11, 1, 12, 0, 59));
      expect((await load()).deploySecret).toBe('d-3f9a1c0e77');
      expect(double.calls).toHaveLength(1);
      vi.setSystemTime(Date.UTC(2026, 11, 1, 12, 1, 1));
      expect((await load()).deploySecret).toBe('d-rotated-5521');
      expect(double.calls).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rebuilds a composition only when one of its secrets changed, and retries a failed setup', async () => {
    let secret = 'one';
    let setups = 0;
    let failSetup = true;
    const getApp = composeOnSecretChange(
      () => {
        setups++;
        if (failSetup) throw new Error('TABLE_NAME is not set');
        return { table: 't' };
      },
      async () => ({ deploySecret: secret }),
      (parts, secrets) => ({ parts, secrets }),
    );
    await expect(getApp()).rejects.toThrow('TABLE_NAME');
    failSetup = false;
    const first = await getApp();
    expect(await getApp()).toBe(first);
    secret = 'two';
    const second = await getApp();
    expect(second).not.toBe(first);
    expect(second.secrets.deploySecret).toBe('two');
    expect(second.parts).toBe(first.parts);
    expect(setups).toBe(2);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { githubStatusesFor } from '../../lib/github/github-auth.js';
import { type GithubApiDouble, startGithubApiDouble } from '../../lib/sim/github-api-double.js';
import { SECRETS } from '../functions/fixtures.js';

const ref = { repository: 'acme/podinfo', deploymentId: 42, environment: 'production' };
const keys = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

describe('GitHub App authentication for deployment statuses', () => {
  let double: GithubApiDouble | undefined;
  afterEach(async () => {
    await double?.close();
  });

  it('exchanges the App JWT for an installation token, once, and posts statuses with it', async () => {
    const { publicKey, privateKey } = keys();
    double = await startGithubApiDouble({
      token: 'unused-pat',
      app: { appId: '123456', installationId: '987', publicKeyPem: publicKey },
    });
    const statuses = githubStatusesFor(
      { ...SECRETS, githubToken: null, githubAppPrivateKey: privateKey },
      { GITHUB_APP_ID: '123456', GITHUB_APP_INSTALLATION_ID: '987' },
      double.apiUrl,
    );
    if (!statuses) throw new Error('no statuses client');
    await statuses.post(ref, { state: 'in_progress', description: 'podinfo-1: canary starting' });
    await statuses.post(ref, { state: 'success', description: 'podinfo-1: promoted' });
    expect(double.installationTokens).toHaveLength(1);
    expect(double.statuses.map((s) => [s.repository, s.deploymentId, s.state, s.environment])).toEqual([
      ['acme/podinfo', 42, 'in_progress', 'production'],
      ['acme/podinfo', 42, 'success', 'production'],
    ]);
  });

  it('is refused with a key that is not the App key, and nothing is posted', async () => {
    const { publicKey } = keys();
    const other = keys();
    double = await startGithubApiDouble({
      token: 'unused-pat',
      app: { appId: '123456', installationId: '987', publicKeyPem: publicKey },
    });
    const statuses = githubStatusesFor(
      { ...SECRETS, githubToken: null, githubAppPrivateKey: other.privateKey },
      { GITHUB_APP_ID: '123456', GITHUB_APP_INSTALLATION_ID: '987' },
      double.apiUrl,
    );
    await expect(statuses?.post(ref, { state: 'success', description: 'x' })).rejects.toThrow(/401/);
    expect(double.statuses).toEqual([]);
  });

  it('falls back to the token, and to nothing without either', () => {
    expect(githubStatusesFor({ ...SECRETS, githubToken: 'ghp-1' }, {})).toBeDefined();
    expect(githubStatusesFor({ ...SECRETS, githubToken: null }, { GITHUB_APP_ID: '1' })).toBeUndefined();
  });
});

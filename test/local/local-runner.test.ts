import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TickSummary } from '../../lib/engine/engine.js';
import { withKubeContext } from '../../lib/local/kube-context.js';
import { localSecrets } from '../../lib/local/local-secrets.js';
import { readLocalSession, writeLocalSession } from '../../lib/local/local-session.js';
import { startTickLoop } from '../../lib/local/tick-loop.js';
import { AviaryConfigSchema } from '../../lib/model/config.js';

const config = AviaryConfigSchema.parse({
  clusters: {
    sim: { kind: 'simulated', timeoutMs: 4_000 },
    prod: { kind: 'eks', name: 'prod', region: 'eu-west-1' },
  },
  policies: { p: { stepWeights: [10] } },
  targets: {},
});

describe('the local runner of `npm start`', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('AVIARY_KUBE_CONTEXT swaps every simulated cluster for that kubeconfig context, and nothing else', () => {
    expect(withKubeContext(config, undefined)).toBe(config);
    const real = withKubeContext(config, 'kind-aviary');
    expect(real.clusters.sim).toEqual({ kind: 'kubeconfig', context: 'kind-aviary', timeoutMs: 4_000 });
    expect(real.clusters.prod).toEqual(config.clusters.prod);
    expect(config.clusters.sim?.kind).toBe('simulated');
  });

  it('takes secrets from the environment and makes up the rest, different on every run', () => {
    const fixed = localSecrets({ AVIARY_DEPLOY_SECRET: 'from-ci', SLACK_BOT_TOKEN: 'xoxb-real' });
    expect(fixed.deploySecret).toBe('from-ci');
    expect(fixed.slackBotToken).toBe('xoxb-real');
    const a = localSecrets({});
    const b = localSecrets({});
    expect(a.slackSigningSecret).not.toBe(b.slackSigningSecret);
    expect(a.slackSigningSecret.length).toBeGreaterThanOrEqual(32);
    expect(a.slackBotToken).toMatch(/^xoxb-local-/);
  });

  it('hands the CLI the running session through an owner-only file, and says why when there is none', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'aviary-session-'));
    const file = path.join(dir, '.aviary', 'session.json');
    expect(readLocalSession(file)).toMatchObject({ error: expect.stringContaining('npm start') });
    const session = {
      url: 'http://127.0.0.1:3000',
      pid: 42,
      deploySecret: 'd',
      slackSigningSecret: 's',
      githubWebhookSecret: 'g',
      kubeconfig: '.aviary/kubeconfig',
    };
    writeLocalSession(session, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readLocalSession(file)).toEqual({ session });
    writeFileSync(file, JSON.stringify({ url: 'not a url' }));
    expect(readLocalSession(file)).toMatchObject({ error: expect.stringContaining('not a session file') });
  });

  it('runs ticks one after another, never two at once, and keeps going after a failed one', async () => {
    let running = 0;
    let overlapped = false;
    let calls = 0;
    const errors: unknown[] = [];
    const loop = startTickLoop(
      async (): Promise<TickSummary> => {
        calls += 1;
        running += 1;
        overlapped ||= running > 1;
        await new Promise((resolve) => setTimeout(resolve, 15));
        running -= 1;
        if (calls === 2) throw new Error('cluster down');
        return { at: calls, rollouts: [], clusters: [] };
      },
      1,
      (error) => errors.push(error),
    );
    while (calls < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await loop.stop();
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(overlapped).toBe(false);
    expect(errors).toHaveLength(1);
    expect(calls).toBe(after);
  });
});

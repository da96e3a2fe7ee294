import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliContext } from '../../lib/cli/cli-context.js';
import { run as get } from '../../lib/cli/get.js';
import { runCommand } from '../../lib/cli/rollout-command.js';
import { run as status } from '../../lib/cli/status.js';
import type { RolloutStatus } from '../../lib/engine/engine.js';
import { writeLocalSession } from '../../lib/local/local-session.js';
import { statusOf, tickUntil, useTestStack } from './stack.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const image = (tag: string) => `ghcr.io/stefanprodan/podinfo:${tag}`;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('aviary CLI against a running local stack', () => {
  const e2e = useTestStack({ seed: 31 });
  let dir: string;
  let session: string;

  beforeAll(() => {
    // The spawned CLI signs deploy webhooks with the machine's clock: start the stack's clock there.
    e2e.clock.advance(Date.now() - e2e.clock.now());
    dir = mkdtempSync(path.join(tmpdir(), 'aviary-cli-'));
    session = path.join(dir, 'session.json');
    writeLocalSession(
      {
        url: e2e.stack.url,
        pid: process.pid,
        deploySecret: e2e.stack.secrets.deploySecret,
        slackSigningSecret: e2e.stack.secrets.slackSigningSecret,
        githubWebhookSecret: e2e.stack.secrets.githubWebhookSecret,
        kubeconfig: null,
        ...(e2e.stack.events ? { eventsUrl: e2e.stack.events.eventsUrl } : {}),
      },
      session,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `npx aviary …` as a user runs it: a separate process through the package's bin entry. */
  function spawnCli(args: string[]): { child: ChildProcess; done: Promise<Exit> } {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/aviary.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, AVIARY_SESSION_FILE: session, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const done = new Promise<Exit>((resolve) =>
      child.on('close', (code) => resolve({ code, stdout, stderr })),
    );
    return { child, done };
  }
  const cli = (args: string[]) => spawnCli(args).done;

  /** The CLI in-process, on the stack's clock: each sleep moves the clock and runs the scheduled tick. */
  function inProcess(): CliContext & { stdout: () => string; stderr: () => string } {
    let out = '';
    let err = '';
    return {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      env: { AVIARY_SESSION_FILE: session },
      clock: e2e.clock.now,
      sleep: async (ms) => {
        e2e.clock.advance(ms);
        await e2e.stack.tick();
      },
      isTTY: false,
      stdout: () => out,
      stderr: () => err,
    };
  }

  const nextTick = () => new Promise((resolve) => setTimeout(resolve, 20));
  async function rolloutOf(revision: string, running: Promise<Exit>): Promise<RolloutStatus> {
    let exited: Exit | null = null;
    void running.then((e) => {
      exited = e;
    });
    for (;;) {
      if (exited) throw new Error(`the CLI exited before announcing: ${JSON.stringify(exited)}`);
      const res = await e2e.client.get('/rollouts?target=podinfo&limit=5');
      const found = (res.body as { rollouts: RolloutStatus[] }).rollouts.find((r) => r.revision === revision);
      if (found) return found;
      await nextTick();
    }
  }

  it('deploy --wait announces, follows every transition and exits 0 once promoted', async () => {
    const { stack, clock, client } = e2e;
    const run = spawnCli([
      'deploy',
      '--target',
      'podinfo',
      '--revision',
      'cli-1',
      '--image',
      image('cli-1'),
      '--wait',
      '--interval',
      '50ms',
    ]);
    let exited = false;
    void run.done.then(() => {
      exited = true;
    });
    const { id } = await rolloutOf('cli-1', run.done);
    // Drive the stack while the CLI polls; approve when asked. The test waits on the CLI's exit, not a timer.
    await tickUntil(stack, clock, client, id, ['awaiting_approval']);
    expect(await runCommand('approve', [id, '--reason', 'looks good'], inProcess())).toBe(0);
    await tickUntil(stack, clock, client, id, ['succeeded']);
    while (!exited) await nextTick();
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n').filter((l) => l.includes(` ${id} `));
    expect(lines.some((l) => l.includes('awaiting_approval'))).toBe(true);
    expect(lines.at(-1)).toMatch(/succeeded/);
    expect((await statusOf(client, id)).history.find((d) => d.action === 'approve')?.actor).toBe('local:cli');
  });

  it('status --wait exits 1 for a rolled-back rollout and 2 on timeout; errors are one line and exit non-zero', async () => {
    const { stack, clock, client } = e2e;
    const deployed = await client.deploy({ target: 'podinfo', revision: 'cli-2', image: image('cli-2') });
    const id = (deployed.body as { rollout: { id: string } }).rollout.id;
    const pending = await cli(['status', id, '--wait', '--timeout', '0s']);
    expect(pending.code).toBe(2);
    expect(pending.stderr).toMatch(/timed out.*pending/);

    const typo = await cli(['get', 'rollouts', '--taget', 'podinfo']);
    expect(typo.code).toBe(2);
    expect(typo.stderr.split('\n')[0]).toBe("error: Unknown option '--taget'");
    const stale = inProcess();
    expect(await runCommand('pause', [id, '--revision', 'cli-1'], stale)).toBe(1);
    expect(stale.stderr()).toMatch(/^error: .*revision cli-1.*\n$/);
    expect((await statusOf(client, id)).phase).toBe('pending');

    expect(await runCommand('abort', ['podinfo', '--reason', 'bad build'], inProcess())).toBe(0);
    await tickUntil(stack, clock, client, id, ['failed']);
    const failed = await cli(['status', 'podinfo', '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(new RegExp(`${id} failed`));
    expect(failed.stderr).toMatch(/aborted by local:cli: bad build/);
  });

  it('get rollouts: a table, wide, JSON and YAML, with filters', async () => {
    const table = await cli(['get', 'rollouts', '--target', 'podinfo']);
    expect(table.code, table.stderr).toBe(0);
    const [header, ...rows] = table.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'ID',
      'TARGET',
      'REVISION',
      'PHASE',
      'WEIGHT',
      'STEP',
      'AGE',
      'LAST DECISION',
    ]);
    expect(rows[0]).toMatch(/^podinfo-2\s+podinfo\s+cli-2\s+failed\s+0%/);

    const ctx = inProcess();
    expect(await get(['get', 'rollouts', '-o', 'json', '--phase', 'succeeded'].slice(1), ctx)).toBe(0);
    const page = JSON.parse(ctx.stdout()) as { rollouts: RolloutStatus[] };
    expect(page.rollouts.map((r) => [r.revision, r.phase])).toEqual([['cli-1', 'succeeded']]);
    const yaml = inProcess();
    expect(await get(['rollouts', '-o', 'yaml', '--limit', '1'], yaml)).toBe(0);
    expect(yaml.stdout()).toMatch(/^rollouts:\n {2}- id: podinfo-2\n/);
    const wide = inProcess();
    expect(await get(['rollouts', '-o', 'wide'], wide)).toBe(0);
    expect(wide.stdout().split('\n')[0]).toMatch(/CLUSTER\s+IMAGE\s+SOURCE$/);
    const bad = inProcess();
    expect(await get(['rollouts', '-o', 'xml'], bad)).toBe(2);
    expect(await get(['rollouts', '--phase', 'done'], bad)).toBe(2);
    expect(bad.stderr()).toMatch(/-o must be one of json, yaml, wide/);
  });

  it('get rollout -w redraws the detail until the rollout ends; status --wait times out by the clock it is given', async () => {
    const { client } = e2e;
    const started = await client.deploy({ target: 'podinfo', revision: 'cli-3', image: image('cli-3') });
    const id = (started.body as { rollout: { id: string } }).rollout.id;

    // 30 minutes of a rollout nobody approves: the in-process clock passes them in ticks, not in real time.
    const waiting = inProcess();
    expect(await status([id, '--wait', '--timeout', '10m', '--interval', '30s'], waiting)).toBe(2);
    expect(waiting.stdout()).toMatch(/awaiting_approval.*approval of promotion pending/);
    expect(waiting.stderr()).toMatch(/timed out after 600s/);

    const verbs = inProcess();
    expect(await runCommand('promote', [id], verbs)).toBe(2); // no reason: refused before sending
    expect(verbs.stderr()).toMatch(/give --reason/);
    expect(await runCommand('pause', [id], verbs)).toBe(0);
    expect(await runCommand('resume', [id], verbs)).toBe(0);
    expect(await runCommand('approve', [id, '--reason', 'ok'], verbs)).toBe(0);
    expect(verbs.stdout()).toMatch(/approved by local:cli.*promoting/s);

    const watch = inProcess();
    expect(await get(['rollout', id, '-w', '--interval', '30s'], watch)).toBe(0);
    const views = watch.stdout().split(/\n(?=Name: )/);
    expect(views.length).toBeGreaterThanOrEqual(2);
    expect(views[0]).toMatch(/Phase: +promoting/);
    expect(views.at(-1)).toMatch(/Phase: +succeeded/);
    expect(views.at(-1)).toMatch(/Steps:\n {2}✔ {2}1 {2}█{2}░{18} {2}10%/);
    expect(views.at(-1)).toMatch(/Decisions:[\s\S]*request_approval[\s\S]*approved by local:cli/);
    // The events the stack put on (its stand-in for) EventBridge, shown with the rollout.
    expect(views.at(-1)).toMatch(/Events sent[^\n]*\n(.*\n)*.*promoting→succeeded {2}0% {2}promoted/);

    const missing = inProcess();
    expect(await get(['rollout', 'podinfo-999'], missing)).toBe(1);
    expect(missing.stderr()).toBe('error: no rollout "podinfo-999"\n');
    expect(await runCommand('retry', ['podinfo-999'], missing)).toBe(1);
  });

  it('--url of a deployed stack signs every request with SigV4 for execute-api (the default credential chain)', async () => {
    const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ rollouts: [], cursor: null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    try {
      const ctx = inProcess();
      const url = `http://127.0.0.1:${port}`;
      expect(
        await get(['rollouts', '--url', url, '--sigv4', '--region', 'eu-west-1', '--target', 'podinfo'], ctx),
      ).toBe(0);
      expect(ctx.stdout()).toBe('No rollouts found.\n');
      const request = seen[0];
      if (!request) throw new Error('no request reached the server');
      const auth = String(request.headers.authorization);
      expect(auth).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      // Recomputed from what arrived: the signature covers this method, path, query and host.
      const date = String(request.headers['x-amz-date']);
      const signer = new SignatureV4({
        service: 'execute-api',
        region: 'eu-west-1',
        credentials: {
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        },
        sha256: Sha256,
      });
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
      const headers = Object.fromEntries(signedHeaders.map((h) => [h, String(request.headers[h])]));
      const u = new URL(request.url, url);
      const again = await signer.sign(
        {
          method: request.method,
          protocol: 'http:',
          hostname: '127.0.0.1',
          port,
          path: u.pathname,
          query: Object.fromEntries(u.searchParams),
          headers,
        },
        {
          signingDate: new Date(
            `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
          ),
        },
      );
      expect(again.headers.authorization).toBe(auth);
      // A URL without a region, and none configured, is a usage error before anything is sent.
      vi.stubEnv('AWS_REGION', '');
      vi.stubEnv('AWS_DEFAULT_REGION', '');
      const noRegion = inProcess();
      expect(await get(['rollouts', '--url', 'https://rollouts.example.com'], noRegion)).toBe(2);
      expect(noRegion.stderr()).toMatch(/--region/);
      expect(seen).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
      server.closeAllConnections();
      server.close();
    }
  });
});

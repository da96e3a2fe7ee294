import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDeploy, runSlack } from '../../lib/cli/local-requests.js';
import { runDemo } from '../../lib/local/demo.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { type EmbeddedStack, startEmbeddedStack } from '../../lib/local/embedded-stack.js';
import { startTickLoop, type TickLoop } from '../../lib/local/tick-loop.js';
import { APPROVER, clientFor, e2eConfig, type FakeClock, fakeClock, statusOf } from './stack.js';

describe('the `npm start` demo and the local CLI, against the embedded stack', () => {
  let dynamo: DynamoDbLocal;
  let stack: EmbeddedStack;
  let clock: FakeClock;
  let loop: TickLoop;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    clock = fakeClock();
    stack = await startEmbeddedStack({
      config: e2eConfig(),
      dynamo,
      clock: clock.now,
      logLevel: 'SILENT',
      seed: 3,
    });
    // Simulated time runs ahead: each tick is one analysis interval later, as if a minute-rate rule had fired.
    loop = startTickLoop(
      () => {
        clock.advance(30_000);
        return stack.tick();
      },
      5,
      (error) => {
        throw error;
      },
    );
  });

  afterAll(async () => {
    await loop?.stop();
    await stack?.close();
    await dynamo?.stop();
  });

  it('shows a healthy revision promoted through a signed Slack approval and a faulty one rolled back', async () => {
    const lines: string[] = [];
    const outcome = await runDemo({
      stack,
      client: clientFor(stack, clock),
      target: 'podinfo',
      write: (line) => lines.push(line),
      pollMs: 10,
      rolloutTimeoutMs: 60_000,
    });
    expect(outcome.healthy.phase).toBe('succeeded');
    expect(outcome.faulty.phase).toBe('failed');
    expect(outcome.healthy.history.find((d) => d.action === 'approve')?.actor).toBe(APPROVER);
    const text = lines.join('\n');
    for (const expected of [
      'canary  10%',
      'canary  25%',
      'canary  50%',
      'awaiting_approval',
      'succeeded',
      'rolling_back',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('`aviary deploy` and `aviary slack` sign their requests like CI and Slack do', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.stubEnv('AVIARY_DEPLOY_SECRET', stack.secrets.deploySecret);
    vi.stubEnv('SLACK_SIGNING_SECRET', stack.secrets.slackSigningSecret);
    // The CLI signs with the machine's clock; the stack checks against the test's, so line them up.
    const realNow = Date.now();
    clock.advance(realNow - clock.now());
    await loop.stop();
    try {
      const code = await runDeploy([
        '--url',
        stack.url,
        '--target',
        'checkout',
        '--revision',
        'cli-1',
        '--image',
        'x/checkout:2',
      ]);
      expect(code).toBe(0);
      const printed = out.mock.calls.map((c) => String(c[0])).join('');
      const id = /"id": "([^"]+)"/.exec(printed)?.[1];
      expect(id).toMatch(/^checkout-\d+$/);

      expect(await runSlack(['--url', stack.url, '--user', APPROVER, `pause ${id}`])).toBe(0);
      expect((await statusOf(clientFor(stack, clock), id as string)).phase).toBe('paused');
      // A forged secret is refused by the webhook, and the CLI says so with a failing exit code.
      vi.stubEnv('AVIARY_DEPLOY_SECRET', 'not-the-secret');
      expect(await runDeploy(['--url', stack.url, '--target', 'checkout', '--revision', 'cli-2'])).toBe(1);
      expect(await runDeploy(['--url', stack.url, '--target', 'checkout'])).toBe(2);
    } finally {
      out.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});

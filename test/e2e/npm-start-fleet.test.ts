import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('`AVIARY_CONFIG=examples/fleet.yaml npm start`', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aviary-fleet-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the example fleet through its waves: bake, wave approval in Slack, a freeze lifted with a reason', async () => {
    // The example with one-second windows and a two-second bake: the same flow, in a fraction of the time.
    const example = parse(readFileSync(path.join(ROOT, 'examples', 'fleet.yaml'), 'utf8'));
    example.policies.demo.intervalSeconds = 1;
    example.fleets.podinfo.waves[0].bakeSeconds = 2;
    const configFile = path.join(dir, 'fleet.yaml');
    writeFileSync(configFile, stringify(example));

    const child = spawn(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'bin', 'start.ts')],
      {
        cwd: dir,
        env: {
          ...process.env,
          PORT: '0',
          AVIARY_CONFIG: configFile,
          AVIARY_TICK_SECONDS: '0.25',
          AVIARY_EXIT_AFTER_DEMO: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, output).toBe(0);
    expect(output).toContain('Demo done: fleet rollout podinfo-1 succeeded.');
    const lines = output.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    // In order: staging bakes, then the wave approval, then prod-eu frozen and unfrozen, then both promoted.
    const baking = at(/wave 1 baking/);
    const approval = at(/wave 2 asks for approval; U0AVIARY01 clicks/);
    const frozen = at(/podinfo-prod-eu-1 waits in pending: eu-change-freeze/);
    const lifted = at(/unfreeze podinfo-prod-eu-1 demo override/);
    const done = at(/podinfo-1 succeeded .*wave 2 succeeded/);
    expect(
      [baking, approval, frozen, lifted, done].every((i) => i >= 0),
      output,
    ).toBe(true);
    expect(baking).toBeLessThan(approval);
    expect(approval).toBeLessThan(frozen);
    expect(frozen).toBeLessThan(lifted);
    expect(lifted).toBeLessThan(done);
    // No line shows a production rollout before the approval.
    expect(lines.slice(0, approval).some((l) => /podinfo-prod-(eu|us) (pending|progressing)/.test(l))).toBe(
      false,
    );
  });
});

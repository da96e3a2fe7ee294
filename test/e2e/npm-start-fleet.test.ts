import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT, runNpmStart } from './npm-start-process.js';

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

    const { code, output } = await runNpmStart(dir, configFile);

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
    // Longer than the demo's own five-minute limit, so a slow machine fails with the demo's output, not in silence.
  }, 420_000);
});

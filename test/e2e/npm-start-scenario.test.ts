import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT, runNpmStart } from './npm-start-process.js';

describe('`npm start -- --scenario <file>`: the demo on a scenario’s traffic', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aviary-start-scenario-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the bench scenario’s histogram traffic through Prometheus, and the histogram test rolls the slow canary back', async () => {
    // The shipped config with one-second windows, as the plain `npm start` test runs it.
    const shipped = parse(readFileSync(path.join(ROOT, 'aviary.config.yaml'), 'utf8'));
    shipped.policies.demo.intervalSeconds = 1;
    shipped.policies.demo.progressDeadlineSeconds = 600;
    const configFile = path.join(dir, 'aviary.config.yaml');
    writeFileSync(configFile, stringify(shipped));
    const scenario = path.join(ROOT, 'bench', 'scenarios', 'latency-histogram-x1.5-200rps.json');

    const { code, output } = await runNpmStart(dir, configFile, ['--scenario', scenario]);

    expect(code, output).toBe(0);
    expect(output).toContain(
      'scenario latency-histogram-x1.5-200rps: 200 rps, latency buckets from Prometheus',
    );
    expect(output).toContain(
      'Demo done: podinfo-1 rolled_back (scenario latency-histogram-x1.5-200rps expects rolled_back).',
    );
    expect(output).toMatch(
      /rolled back: canary requests slower than \d+ms .*\(histogram test on bucket counts\)/,
    );
  });

  it('refuses a bad scenario file, naming the field, before starting anything', async () => {
    const bad = path.join(dir, 'bad.json');
    const scenario = JSON.parse(
      readFileSync(path.join(ROOT, 'bench', 'scenarios', 'healthy-histogram-200rps.json'), 'utf8'),
    );
    scenario.canary.failureBursts = { meanSize: 0.5 };
    writeFileSync(bad, JSON.stringify(scenario));
    const { code, output } = await runNpmStart(dir, path.join(ROOT, 'aviary.config.yaml'), [
      `--scenario=${bad}`,
    ]);
    expect(code).toBe(1);
    expect(output).toContain(
      `${bad}: canary.failureBursts.meanSize: a burst fails at least one request on average`,
    );
    expect(output).not.toContain('starting DynamoDB Local');
  });
});

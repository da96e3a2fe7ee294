import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../lib/cli/simulate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'aviary-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function scenarioFile(name: string, canaryErrorRate: number, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      durationSeconds: 3600,
      requestsPerSecond: 20,
      primary: { errorRate: 0.001, latencyMs: { p50: 40, p99: 180 } },
      canary: { errorRate: canaryErrorRate, latencyMs: { p50: 40, p99: 180 } },
      policy: { stepWeights: [5, 10, 20, 40, 60], intervalSeconds: 60 },
      expected: canaryErrorRate > 0.01 ? 'rollback' : 'promote',
      ...extra,
    }),
  );
  return file;
}

/** Runs the command in-process, capturing what it writes. */
async function simulate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('aviary simulate', () => {
  it('rolls a clear regression back and promotes a healthy canary, printing every decision', async () => {
    const bad = await simulate(['--scenario', scenarioFile('bad', 0.2), '--seed', '4']);
    expect(bad.code).toBe(0);
    const badResult = JSON.parse(bad.stdout);
    expect(badResult).toMatchObject({ scenario: 'bad', judge: 'aviary', seed: 4, outcome: 'rolled_back' });
    expect(badResult.canaryFailedRequests).toBeGreaterThan(0);
    expect(badResult.steps.at(-1)).toMatchObject({ decision: 'rollback', explanation: { judge: 'aviary' } });

    const good = await simulate(['--scenario', scenarioFile('good', 0.001), '--seed', '4']);
    const goodResult = JSON.parse(good.stdout);
    expect(goodResult.outcome).toBe('promoted');
    expect(goodResult.decidedAtSecond).toBeGreaterThan(0);
    expect(Object.keys(goodResult)).toEqual([
      'scenario',
      'judge',
      'seed',
      'outcome',
      'decidedAtSecond',
      'canaryRequests',
      'canaryFailedRequests',
      'steps',
    ]);
    for (const step of goodResult.steps)
      expect(Object.keys(step)).toEqual(['atSecond', 'weight', 'decision', 'rule', 'explanation']);
  });

  it('prints the same output for the same seed, and another for another seed', async () => {
    const file = scenarioFile('noisy', 0.006);
    const a = await simulate(['--scenario', file, '--seed', '9', '--judge', 'flagger']);
    const b = await simulate(['--scenario', file, '--seed', '9', '--judge', 'flagger']);
    const c = await simulate(['--scenario', file, '--seed', '10', '--judge', 'flagger']);
    expect(JSON.parse(a.stdout).judge).toBe('flagger');
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('exits 2 with a message naming the field for a bad scenario file', async () => {
    const file = scenarioFile('broken', 0.001, {
      canary: { errorRate: 2, latencyMs: { p50: 40, p99: 180 } },
    });
    const r = await simulate(['--scenario', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/invalid scenario: .*broken\.json: canary\.errorRate: /);
  });

  it('exits 2 on bad arguments', async () => {
    expect((await simulate([])).code).toBe(2);
    const judge = await simulate(['--scenario', scenarioFile('x', 0.001), '--judge', 'kayenta']);
    expect(judge.code).toBe(2);
    expect(judge.stderr).toMatch(/--judge must be one of aviary, flagger, argo/);
    expect((await simulate(['--scenario', 'x.json', '--seed', 'abc'])).code).toBe(2);
    expect((await simulate(['--bogus'])).code).toBe(2);
  });

  it('runs end to end through bin/aviary.ts', async () => {
    const file = scenarioFile('e2e', 0.2);
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'bin/aviary.ts', 'simulate', '--scenario', file, '--seed', '2'],
      {
        cwd: ROOT,
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ scenario: 'e2e', outcome: 'rolled_back', seed: 2 });
  });
});

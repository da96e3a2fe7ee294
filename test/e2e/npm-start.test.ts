import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT, runNpmStart } from './npm-start-process.js';

describe('`npm start`, the real entry point, on the shipped config', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aviary-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the demo to both outcomes, writes a kubeconfig, and cleans up on exit', async () => {
    // The shipped config with one-second windows: the same flow as a newcomer sees, in a fraction of the time.
    const shipped = parse(readFileSync(path.join(ROOT, 'aviary.config.yaml'), 'utf8'));
    shipped.policies.demo.intervalSeconds = 1;
    const configFile = path.join(dir, 'aviary.config.yaml');
    writeFileSync(configFile, stringify(shipped));

    let sawKubeconfig = false;
    let sawSession = false;
    const poll = setInterval(() => {
      sawKubeconfig ||= existsSync(path.join(dir, '.aviary', 'kubeconfig'));
      sawSession ||= existsSync(path.join(dir, '.aviary', 'session.json'));
    }, 50);
    const { code, output } = await runNpmStart(dir, configFile);
    clearInterval(poll);

    expect(code, output).toBe(0);
    expect(output).toContain('Demo done: podinfo-1 succeeded, podinfo-2 failed.');
    expect(output).toMatch(/U0AVIARY01 clicks Approve/);
    expect(output).toMatch(/podinfo-2\s+rolling_back/);
    expect(output).toMatch(/pages\s+http:\/\/127\.0\.0\.1:\d+\/ui\s/);
    expect(output).toMatch(/see them:\s+http:\/\/127\.0\.0\.1:\d+\/ui\/rollouts\/podinfo-1\s/);
    expect(sawKubeconfig).toBe(true);
    expect(readFileSync(path.join(dir, '.aviary', 'kubeconfig'), 'utf8')).toContain(
      'certificate-authority-data',
    );
    expect(sawSession).toBe(true);
    expect(existsSync(path.join(dir, '.aviary', 'session.json'))).toBe(false);
  });
});

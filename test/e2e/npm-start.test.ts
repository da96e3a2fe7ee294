import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('`npm start`, the real entry point, on the shipped config', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aviary-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the demo to both outcomes, writes a kubeconfig, and cleans up on exit', async () => {
    // The shipped config with one-second windows: the same flow as a newcomer sees, in a fraction of the time.
    const shipped = parse(readFileSync(path.join(ROOT, 'aviary.config.yaml'), 'utf8'));
    shipped.policies.demo.intervalSeconds = 1;
    const configFile = path.join(dir, 'aviary.config.yaml');
    writeFileSync(configFile, stringify(shipped));

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
    let sawKubeconfig = false;
    let sawSession = false;
    const poll = setInterval(() => {
      sawKubeconfig ||= existsSync(path.join(dir, '.aviary', 'kubeconfig'));
      sawSession ||= existsSync(path.join(dir, '.aviary', 'session.json'));
    }, 50);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
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

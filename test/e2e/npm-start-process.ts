import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs `npm start`'s entry point (with `args`, as after `npm start --`) in `dir` on `configFile`, ticking fast and exiting after its demo, as a newcomer
 * would run it; resolves with its exit code and everything it printed.
 */
export async function runNpmStart(
  dir: string,
  configFile: string,
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(ROOT, 'bin', 'start.ts'), ...args],
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
  return { code, output };
}

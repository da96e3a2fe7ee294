import { execFile } from 'node:child_process';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real kubectl against `kubeconfig` (asynchronously: the API double answers from this same
 * process). Discovery is cached under `cacheDir`, never in the user's home.
 */
export function kubectl(kubeconfig: string, cacheDir: string, args: string[]): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, '--request-timeout', '20s', ...args],
      { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '' } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`kubectl could not be run: ${error.message}`));
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type KubeconfigInput, renderKubeconfigContexts } from '../sim/kube-api/kubeconfig.js';

/** One kubeconfig with a context per simulated cluster, owner-only (it holds bearer tokens), for `kubectl`. */
export function writeKubeconfigFile(file: string, entries: KubeconfigInput[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderKubeconfigContexts(entries), { mode: 0o600 });
}

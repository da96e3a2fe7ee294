import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigEntry {
  /** Context, cluster and user name: the Aviary cluster name. */
  name: string;
  server: string;
  caPem: string;
  token: string;
}

/** One kubeconfig with a context per simulated cluster, the first current, so `kubectl` can look at all of them. */
export function renderMultiKubeconfig(entries: KubeconfigEntry[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({
      name: e.name,
      cluster: { server: e.server, 'certificate-authority-data': Buffer.from(e.caPem).toString('base64') },
    })),
    users: entries.map((e) => ({ name: e.name, user: { token: e.token } })),
    contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: e.name } })),
    'current-context': entries[0]?.name ?? '',
    preferences: {},
  });
}

/** Written owner-only: it holds bearer tokens. */
export function writeKubeconfigFile(file: string, entries: KubeconfigEntry[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderMultiKubeconfig(entries), { mode: 0o600 });
}

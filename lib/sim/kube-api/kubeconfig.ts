import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  token: string;
  contextName: string;
  namespace?: string;
}

/** A kubeconfig with one cluster (CA embedded), one bearer-token user and one context, current. */
export function renderKubeconfig(input: KubeconfigInput): string {
  return renderKubeconfigContexts([{ ...input, namespace: input.namespace ?? 'default' }]);
}

/**
 * A kubeconfig with a cluster, user and context per entry, all named after the context, the first current:
 * how one file reaches several API servers.
 */
export function renderKubeconfigContexts(entries: readonly KubeconfigInput[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({
      name: e.contextName,
      cluster: { server: e.server, 'certificate-authority-data': Buffer.from(e.caPem).toString('base64') },
    })),
    users: entries.map((e) => ({ name: e.contextName, user: { token: e.token } })),
    contexts: entries.map((e) => ({
      name: e.contextName,
      context: {
        cluster: e.contextName,
        user: e.contextName,
        ...(e.namespace === undefined ? {} : { namespace: e.namespace }),
      },
    })),
    'current-context': entries[0]?.contextName ?? '',
    preferences: {},
  });
}

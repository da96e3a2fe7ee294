import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigurationError } from '../errors.js';
import type { ClusterConfig } from '../model/config.js';
import type { ClusterConnector } from './cluster-connector.js';
import { withRequestTimeout } from './request-timeout.js';

export interface KubeconfigConnectorOptions {
  /** Environment to read `KUBECONFIG` and `HOME` from; injected so tests do not touch the real ones. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A context of a kubeconfig file: how `npm start` is pointed at kind, k3d or any cluster the user can reach.
 * The file is read on every call, so switching or refreshing credentials needs no restart.
 */
export class KubeconfigConnector implements ClusterConnector {
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: KubeconfigConnectorOptions = {}) {
    this.env = options.env ?? process.env;
  }

  async kubeConfig(name: string, cluster: ClusterConfig): Promise<KubeConfig> {
    if (cluster.kind !== 'kubeconfig')
      throw new Error(`cluster "${name}" is of kind "${cluster.kind}", not "kubeconfig"`);
    const files = this.files(name, cluster.path);
    const kc = new KubeConfig();
    let currentContext = '';
    for (const file of files) {
      const one = new KubeConfig();
      try {
        one.loadFromFile(file);
      } catch (error) {
        throw new ConfigurationError(
          `cluster "${name}": cannot read kubeconfig ${file}: ${(error as Error).message}`,
        );
      }
      // Like kubectl: with several files, the first one to define a name (or the current context) wins.
      currentContext ||= one.getCurrentContext() ?? '';
      for (const c of one.getClusters()) if (!kc.getCluster(c.name)) kc.addCluster(c);
      for (const u of one.getUsers()) if (!kc.getUser(u.name)) kc.addUser(u);
      for (const c of one.getContexts()) if (!kc.getContextObject(c.name)) kc.addContext(c);
    }

    const context = cluster.context ?? currentContext;
    if (!context) {
      throw new ConfigurationError(
        `cluster "${name}": ${files.join(', ')} has no current-context; set "context"`,
      );
    }
    const contextObject = kc.getContextObject(context);
    if (!contextObject) {
      const known = kc.getContexts().map((c) => c.name);
      throw new ConfigurationError(
        `cluster "${name}": context "${context}" not found in ${files.join(', ')} (contexts: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(context);
    if (!kc.getCluster(contextObject.cluster)) {
      throw new ConfigurationError(
        `cluster "${name}": context "${context}" names cluster "${contextObject.cluster}", which is not defined`,
      );
    }
    if (!kc.getUser(contextObject.user)) {
      throw new ConfigurationError(
        `cluster "${name}": context "${context}" names user "${contextObject.user}", which is not defined`,
      );
    }
    return withRequestTimeout(kc, cluster.timeoutMs);
  }

  /** `path` from the config, else `$KUBECONFIG` (a path list), else `~/.kube/config`. */
  private files(name: string, configured: string | undefined): string[] {
    if (configured !== undefined) {
      const file = this.expandHome(configured);
      if (!existsSync(file))
        throw new ConfigurationError(`cluster "${name}": kubeconfig file ${file} does not exist`);
      return [file];
    }
    const fromEnv = (this.env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
    if (fromEnv.length > 0) {
      const existing = fromEnv.map((f) => this.expandHome(f)).filter((f) => existsSync(f));
      if (existing.length === 0) {
        throw new ConfigurationError(
          `cluster "${name}": none of the KUBECONFIG files exist (${fromEnv.join(path.delimiter)})`,
        );
      }
      return existing;
    }
    const fallback = path.join(this.env.HOME ?? homedir(), '.kube', 'config');
    if (!existsSync(fallback)) {
      throw new ConfigurationError(
        `cluster "${name}": no kubeconfig: set "path", KUBECONFIG, or create ${fallback}`,
      );
    }
    return [fallback];
  }

  private expandHome(file: string): string {
    return file === '~' || file.startsWith(`~${path.sep}`) || file.startsWith('~/')
      ? path.join(this.env.HOME ?? homedir(), file.slice(1))
      : path.resolve(file);
  }
}

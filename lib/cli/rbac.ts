import { stringify } from 'yaml';
import { loadConfig } from '../config/load-config.js';
import { rbacManifests } from '../config/rbac-manifests.js';

const USAGE = 'usage: aviary rbac [--config FILE] [--cluster NAME]\n';

/**
 * `aviary rbac`: the namespaced Roles and RoleBindings each cluster needs for the configured targets (and the
 * cluster-wide discovery grant), as YAML for `kubectl apply -f -`. Every cluster of the config, or one.
 */
export async function run(argv: string[]): Promise<number> {
  let file: string | undefined;
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config') file = argv[++i];
    else if (arg === '--cluster') only = argv[++i];
    else {
      process.stderr.write(`${USAGE}unexpected argument: ${arg}\n`);
      return 2;
    }
  }
  const config = loadConfig(...(file ? [file] : []));
  const clusters = only ? [only] : Object.keys(config.clusters);
  if (only && !(only in config.clusters)) {
    process.stderr.write(`no cluster "${only}" in the configuration\n`);
    return 2;
  }
  for (const cluster of clusters) {
    process.stdout.write(`# cluster ${cluster}\n`);
    for (const object of rbacManifests(config, cluster)) process.stdout.write(`---\n${stringify(object)}`);
  }
  return 0;
}

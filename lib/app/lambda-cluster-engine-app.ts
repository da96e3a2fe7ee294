import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { createClusterConnector } from '../cluster/create-connector.js';
import type { ClusterEngineApp } from './app.js';
import { composeOnSecretChange } from './compose-on-secret-change.js';
import { createClusterEngineApp } from './create-cluster-engine-app.js';
import { engineLog, lambdaBase, lambdaNotifier, NOTIFIER_SECRETS } from './lambda-parts.js';
import { createSecretsLoader } from './secrets.js';

/**
 * The composition of the scheduled tick on Lambda: the only one with cluster access, routers and metric
 * sources. Its secrets are the notifier's (Slack, GitHub, view links); rebuilt when one is rotated.
 */
export function lambdaClusterEngineApp(options: {
  logger: Logger;
  tracer?: Tracer;
}): () => Promise<ClusterEngineApp> {
  const { logger, tracer } = options;
  return composeOnSecretChange(
    () => ({
      ...lambdaBase(tracer),
      // Kept across rebuilds: the connector caches cluster credentials and kubeconfigs.
      connector: createClusterConnector(),
      loadSecrets: createSecretsLoader({
        keys: NOTIFIER_SECRETS,
      }),
    }),
    (parts) => parts.loadSecrets(),
    (parts, secrets) =>
      createClusterEngineApp({
        config: parts.config,
        store: parts.store,
        connector: parts.connector,
        notifier: lambdaNotifier(secrets, logger, tracer).notifier,
        log: engineLog(logger),
      }),
  );
}

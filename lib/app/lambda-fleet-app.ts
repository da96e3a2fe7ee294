import type { Logger } from '@aws-lambda-powertools/logger';
import { createClusterConnector } from '../cluster/create-connector.js';
import type { FleetApp } from './app.js';
import { composeOnSecretChange } from './compose-on-secret-change.js';
import { createFleetApp } from './create-fleet-app.js';
import { engineLog, lambdaBase, lambdaNotifier } from './lambda-parts.js';
import { createSecretsLoader } from './secrets.js';

/**
 * The composition of the scheduled tick on Lambda: the only one with cluster access, routers and metric
 * sources. Its one secret is the Slack bot token (rollout messages); rebuilt when that is rotated.
 */
export function lambdaFleetApp(options: { logger: Logger }): () => Promise<FleetApp> {
  const { logger } = options;
  return composeOnSecretChange(
    () => ({
      ...lambdaBase(),
      // Kept across rebuilds: the connector caches cluster credentials and kubeconfigs.
      connector: createClusterConnector(),
      loadSecrets: createSecretsLoader({ keys: ['slackBotToken'] }),
    }),
    (parts) => parts.loadSecrets(),
    (parts, secrets) =>
      createFleetApp({
        config: parts.config,
        store: parts.store,
        connector: parts.connector,
        notifier: lambdaNotifier(secrets.slackBotToken, logger),
        log: engineLog(logger),
      }),
  );
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { FollowUps } from '../notify/follow-up.js';
import { createSlackResponder } from '../notify/slack-responder.js';
import type { App, Secrets } from './app.js';
import { composeOnSecretChange } from './compose-on-secret-change.js';
import { createApp } from './create-app.js';
import { engineLog, lambdaBase, lambdaNotifier } from './lambda-parts.js';
import { createSecretsLoader } from './secrets.js';

export interface LambdaAppOptions<K extends keyof Secrets> {
  /** The function's logger: the engine and the notifier log through it. */
  logger: Logger;
  /** Records the function's AWS SDK calls in its X-Ray trace. */
  tracer?: Tracer;
  /** The secrets this function uses (the notifier's included: `NOTIFIER_SECRETS`); no other is fetched. */
  secrets: readonly K[];
  /**
   * Where the Slack work that follows an answer goes (the Slack webhook's self-invocation); built by the
   * function that needs it, so no other bundle carries the Lambda client.
   */
  followUps?: (tracer?: Tracer) => FollowUps | undefined;
}

/**
 * The composition of one HTTP or event function on Lambda: the store, the notifier and its own secrets, no
 * cluster access. Built once per container; rebuilt when a secret it uses is rotated.
 */
export function lambdaApp<K extends keyof Secrets>(options: LambdaAppOptions<K>): () => Promise<App> {
  const { logger, tracer } = options;
  return composeOnSecretChange(
    () => ({
      ...lambdaBase(tracer),
      loadSecrets: createSecretsLoader({
        keys: options.secrets,
      }),
    }),
    (parts) => parts.loadSecrets(),
    (parts, secrets): App => {
      const log = engineLog(logger);
      const { notifier, github } = lambdaNotifier(secrets, logger, tracer);
      const followUps = options.followUps?.(tracer);
      return createApp({
        config: parts.config,
        secrets,
        store: parts.store,
        fleets: parts.fleets,
        requests: parts.requests,
        notifier,
        ...(github ? { github } : {}),
        respond: createSlackResponder({ log }),
        ...(followUps ? { followUps } : {}),
        log,
      });
    },
  );
}

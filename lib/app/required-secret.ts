import type { FunctionSecrets, Secrets } from './app.js';

/** A function composed without a secret its route needs: a deployment mistake, reported as one. */
export class MissingSecretError extends Error {
  override name = 'MissingSecretError';
}

/** The secret a route verifies with; throws when the function was not composed with it (never silently ''). */
export function requiredSecret(
  secrets: FunctionSecrets,
  key: Exclude<keyof Secrets, 'slackBotToken'>,
): string {
  const value = secrets[key];
  if (!value) throw new MissingSecretError(`this function was not composed with the secret "${key}"`);
  return value;
}

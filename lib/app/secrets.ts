import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Secrets } from './app.js';

/** Environment variables read locally (no `AVIARY_SECRETS_PREFIX`). */
export const SECRET_ENV = {
  deploySecret: 'AVIARY_DEPLOY_SECRET',
  slackSigningSecret: 'SLACK_SIGNING_SECRET',
  slackBotToken: 'SLACK_BOT_TOKEN',
  githubWebhookSecret: 'GITHUB_WEBHOOK_SECRET',
  githubToken: 'GITHUB_TOKEN',
  viewSecret: 'AVIARY_VIEW_SECRET',
} as const satisfies Record<keyof Secrets, string>;

/** Names under `AVIARY_SECRETS_PREFIX` on AWS, e.g. `/aviary/prod/deploy-secret`. */
export const SECRET_NAMES = {
  deploySecret: 'deploy-secret',
  slackSigningSecret: 'slack-signing-secret',
  slackBotToken: 'slack-bot-token',
  githubWebhookSecret: 'github-webhook-secret',
  githubToken: 'github-token',
  viewSecret: 'view-secret',
} as const satisfies Record<keyof Secrets, string>;

/** Aviary runs without Slack notifications when no bot token is configured, without /ui pages when no view secret, without GitHub statuses when no token. */
const OPTIONAL: ReadonlySet<keyof Secrets> = new Set(['slackBotToken', 'githubToken', 'viewSecret']);

const DEFAULT_MAX_AGE_SECONDS = 300;

export interface SecretsClients {
  ssm?: SSMClient;
  secretsManager?: SecretsManagerClient;
}

/** A secret could not be loaded; the message names the secret, never its value. */
export class SecretsError extends Error {
  override name = 'SecretsError';
}

type Env = Record<string, string | undefined>;

/**
 * Loads the webhook secrets and the Slack bot token. Locally they come from the environment. On AWS, with
 * `AVIARY_SECRETS_PREFIX` set, from SSM Parameter Store (SecureString, decrypted; the default) or, with
 * `AVIARY_SECRETS_SOURCE=secretsmanager`, from Secrets Manager, cached for `AVIARY_SECRETS_MAX_AGE` seconds
 * so a warm container neither calls AWS per request nor keeps a rotated secret forever.
 */
export async function loadSecrets(env: Env = process.env, clients: SecretsClients = {}): Promise<Secrets> {
  const prefix = env.AVIARY_SECRETS_PREFIX?.trim();
  if (!prefix) return fromEnvironment(env);
  const source = (env.AVIARY_SECRETS_SOURCE ?? 'ssm').toLowerCase();
  if (source !== 'ssm' && source !== 'secretsmanager') {
    throw new SecretsError(`AVIARY_SECRETS_SOURCE must be "ssm" or "secretsmanager", not "${source}"`);
  }
  const maxAge = Number(env.AVIARY_SECRETS_MAX_AGE ?? DEFAULT_MAX_AGE_SECONDS);
  if (!Number.isFinite(maxAge) || maxAge < 0)
    throw new SecretsError('AVIARY_SECRETS_MAX_AGE must be seconds');
  const read =
    source === 'ssm' ? ssmReader(clients.ssm, maxAge) : secretsManagerReader(clients.secretsManager, maxAge);
  const base = prefix.replace(/\/+$/, '');
  const keys = Object.keys(SECRET_NAMES) as (keyof Secrets)[];
  const values = await Promise.all(
    keys.map(async (key) => {
      const name = `${base}/${SECRET_NAMES[key]}`;
      let value: string | undefined;
      try {
        value = await read(name);
      } catch (e) {
        if (!isNotFound(e))
          throw new SecretsError(`could not read secret ${name} from ${source}: ${errorName(e)}`);
      }
      if (!value && !OPTIONAL.has(key))
        throw new SecretsError(`secret ${name} is missing or empty in ${source}`);
      return [key, value || null] as const;
    }),
  );
  return toSecrets(Object.fromEntries(values) as Record<keyof Secrets, string | null>);
}

function fromEnvironment(env: Env): Secrets {
  const entries = Object.entries(SECRET_ENV) as [keyof Secrets, string][];
  const missing = entries.filter(([key, name]) => !OPTIONAL.has(key) && !env[name]).map(([, name]) => name);
  if (missing.length > 0) {
    throw new SecretsError(
      `missing environment variables: ${missing.join(', ')} (or set AVIARY_SECRETS_PREFIX on AWS)`,
    );
  }
  return toSecrets(
    Object.fromEntries(entries.map(([key, name]) => [key, env[name] || null])) as Record<
      keyof Secrets,
      string | null
    >,
  );
}

function toSecrets(values: Record<keyof Secrets, string | null>): Secrets {
  return {
    deploySecret: values.deploySecret ?? '',
    slackSigningSecret: values.slackSigningSecret ?? '',
    slackBotToken: values.slackBotToken,
    githubWebhookSecret: values.githubWebhookSecret ?? '',
    githubToken: values.githubToken ?? null,
    viewSecret: values.viewSecret,
  };
}

// Providers live as long as the container so their cache does too.
let sharedSsm: SSMProvider | undefined;
let sharedSecretsManager: SecretsProvider | undefined;

function ssmReader(
  client: SSMClient | undefined,
  maxAge: number,
): (name: string) => Promise<string | undefined> {
  if (!client && !sharedSsm) sharedSsm = new SSMProvider();
  const provider = client ? new SSMProvider({ awsSdkV3Client: client }) : (sharedSsm as SSMProvider);
  return (name) => provider.get(name, { decrypt: true, maxAge });
}

function secretsManagerReader(
  client: SecretsManagerClient | undefined,
  maxAge: number,
): (name: string) => Promise<string | undefined> {
  if (!client && !sharedSecretsManager) sharedSecretsManager = new SecretsProvider();
  const provider = client
    ? new SecretsProvider({ awsSdkV3Client: client })
    : (sharedSecretsManager as SecretsProvider);
  return async (name) => {
    const value = await provider.get(name, { maxAge });
    return typeof value === 'string'
      ? value
      : value === undefined
        ? undefined
        : Buffer.from(value).toString('utf8');
  };
}

const NOT_FOUND = new Set(['ParameterNotFound', 'ResourceNotFoundException', 'ParameterNotFoundError']);

function isNotFound(e: unknown): boolean {
  const cause = e instanceof Error ? (e.cause ?? e) : e;
  return (
    cause instanceof Error && (NOT_FOUND.has(cause.name) || NOT_FOUND.has(e instanceof Error ? e.name : ''))
  );
}

/** Only the error's name: AWS messages can quote request details, and secrets must never reach a log. */
function errorName(e: unknown): string {
  const cause = e instanceof Error ? (e.cause ?? e) : e;
  return cause instanceof Error ? cause.name : 'unknown error';
}

import { BaseProvider } from '@aws-lambda-powertools/parameters/base';
import { type AwsJsonEndpoint, awsJsonCaller } from '../aws/aws-json-call.js';
import type { Secrets } from './app.js';

/** Environment variables read locally (no `AVIARY_SECRETS_PREFIX`). */
export const SECRET_ENV = {
  deploySecret: 'AVIARY_DEPLOY_SECRET',
  slackSigningSecret: 'SLACK_SIGNING_SECRET',
  slackBotToken: 'SLACK_BOT_TOKEN',
  githubWebhookSecret: 'GITHUB_WEBHOOK_SECRET',
  githubToken: 'GITHUB_TOKEN',
  githubAppPrivateKey: 'GITHUB_APP_PRIVATE_KEY',
  viewSecret: 'AVIARY_VIEW_SECRET',
} as const satisfies Record<keyof Secrets, string>;

/** Names under `AVIARY_SECRETS_PREFIX` on AWS, e.g. `/aviary/prod/deploy-secret`. */
export const SECRET_NAMES = {
  deploySecret: 'deploy-secret',
  slackSigningSecret: 'slack-signing-secret',
  slackBotToken: 'slack-bot-token',
  githubWebhookSecret: 'github-webhook-secret',
  githubToken: 'github-token',
  githubAppPrivateKey: 'github-app-private-key',
  viewSecret: 'view-secret',
} as const satisfies Record<keyof Secrets, string>;

/**
 * Aviary runs without Slack notifications when no bot token is configured, without /ui pages when no view
 * secret, without GitHub statuses when no token or App key.
 */
const OPTIONAL: ReadonlySet<keyof Secrets> = new Set([
  'slackBotToken',
  'githubToken',
  'githubAppPrivateKey',
  'viewSecret',
]);

const DEFAULT_MAX_AGE_SECONDS = 300;

/** Where SSM and Secrets Manager are reached (defaults: the function's region and role). */
export type SecretsClients = AwsJsonEndpoint;

/** A secret could not be loaded; the message names the secret, never its value. */
export class SecretsError extends Error {
  override name = 'SecretsError';
}

type Env = Record<string, string | undefined>;

/** Every secret, for the local stack and for tests; Lambda functions name only the ones they use. */
export const ALL_SECRETS = Object.keys(SECRET_NAMES) as (keyof Secrets)[];

export interface SecretsLoaderOptions<K extends keyof Secrets> {
  /** The secrets this function uses; no other is fetched. */
  keys: readonly K[];
  env?: Env;
  clients?: SecretsClients;
}

/**
 * Loads the secrets one function uses. Locally they come from the environment. On AWS, with
 * `AVIARY_SECRETS_PREFIX` set, from SSM Parameter Store (SecureString, decrypted; the default) or, with
 * `AVIARY_SECRETS_SOURCE=secretsmanager`, from Secrets Manager. The loader keeps its provider (and so its cache)
 * for the container's life: called on every invocation, it reaches AWS only when a value is older than
 * `AVIARY_SECRETS_MAX_AGE` seconds, so a warm container neither calls AWS per request nor keeps a rotated
 * secret forever.
 */
export function createSecretsLoader<K extends keyof Secrets>(
  options: SecretsLoaderOptions<K>,
): () => Promise<Pick<Secrets, K>> {
  const env = options.env ?? process.env;
  const keys = [...new Set(options.keys)];
  const prefix = env.AVIARY_SECRETS_PREFIX?.trim();
  if (!prefix) return async () => fromEnvironment(env, keys);
  const source = (env.AVIARY_SECRETS_SOURCE ?? 'ssm').toLowerCase();
  if (source !== 'ssm' && source !== 'secretsmanager') {
    throw new SecretsError(`AVIARY_SECRETS_SOURCE must be "ssm" or "secretsmanager", not "${source}"`);
  }
  const maxAge = Number(env.AVIARY_SECRETS_MAX_AGE ?? DEFAULT_MAX_AGE_SECONDS);
  if (!Number.isFinite(maxAge) || maxAge < 0)
    throw new SecretsError('AVIARY_SECRETS_MAX_AGE must be seconds');
  const clients = options.clients ?? {};
  const read = source === 'ssm' ? ssmReader(clients, maxAge) : secretsManagerReader(clients, maxAge);
  const base = prefix.replace(/\/+$/, '');
  return async () => {
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
    return Object.fromEntries(values) as unknown as Pick<Secrets, K>;
  };
}

/** One load of the named secrets (every secret by default), without a cache kept between calls. */
export async function loadSecrets<K extends keyof Secrets = keyof Secrets>(
  env: Env = process.env,
  clients: SecretsClients = {},
  keys: readonly K[] = ALL_SECRETS as K[],
): Promise<Pick<Secrets, K>> {
  return createSecretsLoader({ keys, env, clients })();
}

function fromEnvironment<K extends keyof Secrets>(env: Env, keys: readonly K[]): Pick<Secrets, K> {
  const missing = keys
    .filter((key) => !OPTIONAL.has(key) && !env[SECRET_ENV[key]])
    .map((key) => SECRET_ENV[key]);
  if (missing.length > 0) {
    throw new SecretsError(
      `missing environment variables: ${missing.join(', ')} (or set AVIARY_SECRETS_PREFIX on AWS)`,
    );
  }
  return Object.fromEntries(keys.map((key) => [key, env[SECRET_ENV[key]] || null])) as unknown as Pick<
    Secrets,
    K
  >;
}

/**
 * Powertools Parameters' provider (its cache and `maxAge`) over a light fetch of one value: the generated SSM and
 * Secrets Manager clients would add about 90 kB to every function for the one operation each it calls.
 */
class OneValueProvider extends BaseProvider {
  constructor(private readonly fetchValue: (name: string) => Promise<string | undefined>) {
    super({});
  }
  protected _get(name: string): Promise<string | undefined> {
    return this.fetchValue(name);
  }
  protected _getMultiple(): Promise<Record<string, unknown> | undefined> {
    throw new Error('not supported: secrets are read one by one');
  }
}

function ssmReader(endpoint: AwsJsonEndpoint, maxAge: number): (name: string) => Promise<string | undefined> {
  const call = awsJsonCaller('ssm', 'AmazonSSM', endpoint);
  const provider = new OneValueProvider(async (name) => {
    const out = await call('GetParameter', { Name: name, WithDecryption: true });
    const value = (out.Parameter as { Value?: unknown } | undefined)?.Value;
    return typeof value === 'string' ? value : undefined;
  });
  return async (name) => (await provider.get(name, { maxAge })) as string | undefined;
}

function secretsManagerReader(
  endpoint: AwsJsonEndpoint,
  maxAge: number,
): (name: string) => Promise<string | undefined> {
  const call = awsJsonCaller('secretsmanager', 'secretsmanager', endpoint);
  const provider = new OneValueProvider(async (name) => {
    const out = await call('GetSecretValue', { SecretId: name });
    if (typeof out.SecretString === 'string') return out.SecretString;
    // A binary secret travels base64-encoded in the JSON answer.
    return typeof out.SecretBinary === 'string'
      ? Buffer.from(out.SecretBinary, 'base64').toString('utf8')
      : undefined;
  });
  return async (name) => (await provider.get(name, { maxAge })) as string | undefined;
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

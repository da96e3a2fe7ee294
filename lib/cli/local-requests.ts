import { parseArgs } from 'node:util';
import { createLocalClient, type LocalClient, type LocalResponse } from '../local/local-client.js';
import { readLocalSession } from '../local/local-session.js';
import { apiFor, getRollout } from './api-client.js';
import { durationMs, stringOption } from './cli-args.js';
import { type CliContext, CliError, processContext } from './cli-context.js';
import { runCli } from './cli-runner.js';
import { waitForRollout } from './wait-for-rollout.js';

const DEPLOY_USAGE =
  'usage: aviary deploy --target NAME --revision REV [--image IMAGE] [--url URL] [--wait [--timeout 30m]]\n' +
  '  Sends a signed CI webhook (POST /webhooks/deploy) to a running `npm start` (or --url with AVIARY_DEPLOY_SECRET).\n' +
  '  --wait then follows the rollout like `aviary status --wait`: exit 0 succeeded, 1 failed or superseded, 2 timeout.\n';
const SLACK_USAGE =
  'usage: aviary slack --user SLACK_USER_ID "<approve|reject|pause|resume|abort|status> <rollout-id or target> [reason]"\n' +
  '  Sends a signed `/aviary` slash command (POST /webhooks/slack) to a running `npm start`.\n';

/** `aviary deploy`: what a CI job does after pushing an image. */
export async function runDeploy(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const parsed = parse(
    argv,
    {
      target: { type: 'string' },
      revision: { type: 'string' },
      image: { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      region: { type: 'string' },
      sigv4: { type: 'boolean' },
    },
    DEPLOY_USAGE,
  );
  if ('exit' in parsed) return parsed.exit;
  const { target, revision, image } = parsed.values;
  if (typeof target !== 'string' || typeof revision !== 'string')
    return usage('--target and --revision are required', DEPLOY_USAGE);
  let waitOptions: { timeoutMs: number; intervalMs: number } | null = null;
  try {
    if (parsed.values.wait) {
      waitOptions = {
        timeoutMs: durationMs('--timeout', stringOption(parsed.values, 'timeout') ?? '30m'),
        intervalMs: durationMs('--interval', stringOption(parsed.values, 'interval') ?? '5s'),
      };
    } else if (parsed.values.timeout || parsed.values.interval) {
      return usage('--timeout and --interval go with --wait', DEPLOY_USAGE);
    }
  } catch (error) {
    return usage((error as Error).message, DEPLOY_USAGE);
  }
  const client = clientFor(parsed.values);
  if (typeof client === 'string') return usage(client, DEPLOY_USAGE);
  const response = await client.deploy({
    target,
    revision,
    ...(typeof image === 'string' ? { image } : {}),
    actor: 'cli',
  });
  const code = print(response);
  if (code !== 0 || !waitOptions) return code;
  // Announce, then wait: the same loop as `aviary status --wait`, on the rollout this announcement started.
  const options = waitOptions;
  return runCli(ctx, DEPLOY_USAGE, async () => {
    const id = (response.body as { rollout?: { id?: string } }).rollout?.id;
    if (!id) throw new CliError('the answer names no rollout to wait for');
    const api = apiFor(parsed.values, ctx);
    const first = await getRollout(api, id);
    if (!first) throw new CliError(`no rollout "${id}"`);
    return waitForRollout(api, first, ctx, options);
  });
}

/** `aviary slack`: what Slack sends when someone types `/aviary …`. */
export async function runSlack(argv: string[]): Promise<number> {
  const parsed = parse(argv, { user: { type: 'string' } }, SLACK_USAGE);
  if ('exit' in parsed) return parsed.exit;
  const text = parsed.positionals.join(' ').trim();
  if (!text) return usage('the command text is required', SLACK_USAGE);
  const user = parsed.values.user;
  if (typeof user !== 'string')
    return usage('--user is required (a Slack user id; only approvers may change a rollout)', SLACK_USAGE);
  const client = clientFor(parsed.values);
  if (typeof client === 'string') return usage(client, SLACK_USAGE);
  return print(await client.slash(text, user));
}

type Options = Record<string, { type: 'string' | 'boolean' }>;
type Parsed =
  | { exit: number }
  | { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(argv: string[], options: Options, usageText: string): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    if ((values as Record<string, unknown>).help) {
      process.stdout.write(usageText);
      return { exit: 0 };
    }
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    return { exit: usage((error as Error).message, usageText) };
  }
}

/** The running `npm start`'s URL and secrets, or an explicit `--url` with secrets from the environment. */
function clientFor(values: Record<string, string | boolean | undefined>): LocalClient | string {
  const url = typeof values.url === 'string' ? values.url : undefined;
  if (url) {
    const deploySecret = process.env.AVIARY_DEPLOY_SECRET;
    if (!deploySecret) return 'with --url, set AVIARY_DEPLOY_SECRET (and SLACK_SIGNING_SECRET for slack)';
    return createLocalClient({
      url,
      deploySecret,
      ...(process.env.SLACK_SIGNING_SECRET ? { slackSigningSecret: process.env.SLACK_SIGNING_SECRET } : {}),
    });
  }
  const found = readLocalSession(process.env.AVIARY_SESSION_FILE);
  if ('error' in found) return found.error;
  return createLocalClient({
    url: found.session.url,
    deploySecret: found.session.deploySecret,
    slackSigningSecret: found.session.slackSigningSecret,
  });
}

function print(response: LocalResponse): number {
  const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body, null, 2);
  process.stdout.write(`HTTP ${response.status}\n${body}\n`);
  return response.status < 400 ? 0 : 1;
}

function usage(message: string, usageText: string): number {
  process.stderr.write(`${message}\n${usageText}`);
  return 2;
}

import { spawn } from 'node:child_process';
import { apiFor, errorMessage } from './api-client.js';
import { CONNECTION_OPTIONS, parseCliArgs } from './cli-args.js';
import { type CliContext, CliError, processContext, UsageError } from './cli-context.js';
import { runCli } from './cli-runner.js';

export const USAGE = `usage: aviary open ID | --list [--no-browser] [--url URL]
  Prints the signed link of a rollout's page (or of the list) and opens it when a browser is there.
  The link comes from the status API (GET /rollouts/{id}: viewUrl), so it opens without AWS credentials;
  it expires after 7 days. Talks to the running \`npm start\`, or --url of a deployed stack (SigV4).
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  list: { type: 'boolean' },
  'no-browser': { type: 'boolean' },
} as const;

/** Opens a link in the desktop's browser; false where there is none (a server, CI, no display). */
export type Browse = (url: string) => boolean;

/** `aviary open ID`: the signed view link the API hands out, printed, and opened where a browser can be. */
export const run = (
  argv: string[],
  ctx: CliContext = processContext(),
  browse: Browse = openInBrowser,
  fetchImpl: typeof fetch = fetch,
): Promise<number> =>
  runCli(ctx, USAGE, async () => {
    const args = parseCliArgs(argv, OPTIONS);
    if (args.help) {
      ctx.out(USAGE);
      return 0;
    }
    const [id, ...extra] = args.positionals;
    if (extra.length > 0 || (id === undefined) === (args.values.list !== true))
      throw new UsageError('give one rollout id, or --list');
    const api = apiFor(args.values, ctx, fetchImpl);
    const answer = await api.request(
      'GET',
      id === undefined ? '/rollouts?limit=1' : `/rollouts/${encodeURIComponent(id)}`,
    );
    if (answer.status !== 200) throw new CliError(errorMessage(answer));
    const link = (answer.body as { viewUrl?: string | null } | null)?.viewUrl;
    if (!link) throw new CliError('the API gave no view link: the stack has no view secret (see the README)');
    ctx.out(`${link}\n`);
    if (args.values['no-browser'] !== true && ctx.isTTY) browse(link);
    return 0;
  });

/** macOS, Windows, or a Linux session with a display. Never waits for the browser. */
function openInBrowser(url: string): boolean {
  const command =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '', url]
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? ['xdg-open', url]
          : null;
  if (!command) return false;
  const [bin, ...args] = command as [string, ...string[]];
  const child = spawn(bin, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
  return true;
}

import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { readLocalSession } from '../local/local-session.js';

const USAGE =
  'usage: aviary open <rollout-id> | --list [--url URL] [--no-browser]\n' +
  '  Prints the signed link of a rollout’s page (or of the list) and opens it when a browser is there.\n' +
  '  Asks the status API (GET /rollouts/{id}) of a running `npm start`, or of --url.\n';

export interface OpenDeps {
  fetch: typeof fetch;
  write: (text: string) => void;
  /** Opens the link in a browser; false when there is none. */
  browse: (url: string) => boolean;
  sessionUrl: () => string | { error: string };
}

const defaults: OpenDeps = {
  fetch: (...args) => fetch(...args),
  write: (text) => process.stdout.write(text),
  browse: openInBrowser,
  sessionUrl: () => {
    const found = readLocalSession();
    return 'error' in found ? found : found.session.url;
  },
};

/** `aviary open ID`: the signed view link the API hands out, printed, and opened where a browser can be. */
export async function run(argv: string[], deps: OpenDeps = defaults): Promise<number> {
  let values: { list?: boolean; url?: string; 'no-browser'?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        list: { type: 'boolean' },
        url: { type: 'string' },
        'no-browser': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.help) {
    deps.write(USAGE);
    return 0;
  }
  const id = positionals[0];
  if ((id === undefined) === !values.list || positionals.length > 1)
    return usage('give one rollout id, or --list');
  const base = values.url ?? deps.sessionUrl();
  if (typeof base !== 'string') return usage(base.error);
  const path = id === undefined ? '/rollouts?limit=1' : `/rollouts/${encodeURIComponent(id)}`;
  let response: Response;
  try {
    response = await deps.fetch(new URL(path, base));
  } catch (error) {
    process.stderr.write(`could not reach ${base}: ${(error as Error).message}\n`);
    return 1;
  }
  const body = (await response.json().catch(() => null)) as {
    viewUrl?: string | null;
    error?: { message?: string };
  } | null;
  if (!response.ok) {
    process.stderr.write(`HTTP ${response.status}: ${body?.error?.message ?? 'no answer'}\n`);
    return 1;
  }
  const link = body?.viewUrl;
  if (!link) {
    process.stderr.write('the API gave no view link: this deployment has no view secret (see the README)\n');
    return 1;
  }
  deps.write(`${link}\n`);
  if (!values['no-browser']) deps.browse(link);
  return 0;
}

/** Where a desktop is: macOS, Windows, or a Linux session with a display. Never waits for the browser. */
function openInBrowser(url: string): boolean {
  const command =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '', url]
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? ['xdg-open', url]
          : null;
  if (!command || !process.stdout.isTTY) return false;
  const [bin, ...args] = command as [string, ...string[]];
  const child = spawn(bin, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
  return true;
}

function usage(message: string): number {
  process.stderr.write(`${message}\n${USAGE}`);
  return 2;
}

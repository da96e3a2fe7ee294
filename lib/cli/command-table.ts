import { API_COMMANDS } from '../http/command-request.js';

/** One CLI command: a one-line summary for `aviary --help`, and its entry point (loaded on use). */
export interface CliCommand {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const lazy =
  (load: () => Promise<{ run(argv: string[]): Promise<number> }>) =>
  async (argv: string[]): Promise<number> =>
    (await load()).run(argv);

const verbs: Record<string, CliCommand> = Object.fromEntries(
  API_COMMANDS.map((verb) => [
    verb,
    {
      summary: `${verb} a rollout (POST /rollouts/{id}/commands)`,
      run: async (argv: string[]) => (await import('./rollout-command.js')).runCommand(verb, argv),
    },
  ]),
);

/**
 * Every `aviary` command. Adding one is adding an entry here (its module exports `run(argv)`); modules load
 * only when their command runs, so `aviary status` never pays for the simulator.
 */
export const commandTable: Record<string, CliCommand> = {
  get: { summary: 'list rollouts, or show one (-w to watch)', run: lazy(() => import('./get.js')) },
  status: {
    summary: "one rollout's phase; --wait follows it to the end (exit 0/1/2)",
    run: lazy(() => import('./status.js')),
  },
  deploy: {
    summary: 'announce a revision (signed webhook); --wait follows its rollout',
    run: lazy(() => import('./deploy.js')),
  },
  ...verbs,
  open: {
    summary: "print a rollout's signed page link (or the list's) and open it in a browser",
    run: lazy(() => import('./open.js')),
  },
  slack: {
    summary: 'send a signed /aviary slash command (local testing)',
    run: lazy(() => import('./slack.js')),
  },
  simulate: {
    summary: 'run a scenario through the core and a judge, in simulated time',
    run: lazy(() => import('./simulate.js')),
  },
  schema: { summary: 'print the configuration JSON Schema', run: lazy(() => import('./schema.js')) },
};

export function topLevelUsage(): string {
  const width = Math.max(...Object.keys(commandTable).map((n) => n.length));
  const lines = Object.entries(commandTable).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: aviary <command> [options]   (aviary <command> --help for its options)\n\n${lines.join('\n')}\n\nTalks to the running \`npm start\` by default (.aviary/session.json); --url for a deployed stack.\n`;
}

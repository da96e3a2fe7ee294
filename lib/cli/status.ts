import { apiFor, resolveRollout } from './api-client.js';
import { CONNECTION_OPTIONS, durationMs, parseCliArgs, stringOption } from './cli-args.js';
import { type CliContext, processContext, UsageError } from './cli-context.js';
import { runCli } from './cli-runner.js';
import { EXIT, transitionLine, waitForRollout } from './wait-for-rollout.js';

export const USAGE = `usage: aviary status ID|TARGET [--wait] [--timeout 30m] [--interval 5s]
  The rollout's phase in one line (a target means its latest rollout).
  --wait follows it to the end, one line per transition, and exits
    0 when it succeeded, 1 when it failed, was aborted or superseded, 2 on timeout.
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  interval: { type: 'string' },
} as const;

export const run = (argv: string[], ctx: CliContext = processContext()): Promise<number> =>
  runCli(ctx, USAGE, async () => {
    const args = parseCliArgs(argv, OPTIONS);
    if (args.help) {
      ctx.out(USAGE);
      return 0;
    }
    const [ref, ...extra] = args.positionals;
    if (!ref) throw new UsageError('which rollout: aviary status ID|TARGET');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const timeoutMs = durationMs('--timeout', stringOption(args.values, 'timeout') ?? '30m');
    const intervalMs = durationMs('--interval', stringOption(args.values, 'interval') ?? '5s');
    if (!args.values.wait && (args.values.timeout || args.values.interval))
      throw new UsageError('--timeout and --interval go with --wait');
    const api = apiFor(args.values, ctx);
    const status = await resolveRollout(api, ref);
    if (!args.values.wait) {
      ctx.out(transitionLine(status, ctx.clock()));
      return status.phase === 'failed' || status.phase === 'superseded' ? EXIT.failed : EXIT.succeeded;
    }
    return waitForRollout(api, status, ctx, { timeoutMs, intervalMs });
  });

import type { RolloutStatus } from '../engine/engine.js';
import { API_COMMANDS, type ApiCommand } from '../http/command-request.js';
import { apiFor, errorMessage } from './api-client.js';
import { CONNECTION_OPTIONS, parseCliArgs, stringOption } from './cli-args.js';
import { type CliContext, CliError, processContext, UsageError } from './cli-context.js';
import { runCli } from './cli-runner.js';

const WHAT: Record<ApiCommand, string> = {
  approve: 'approves the pending gate (the next step, or the promotion)',
  reject: 'rejects the pending gate: the canary is rolled back',
  pause: 'holds the rollout where it is',
  resume: 'continues a paused rollout (with a fresh approval window)',
  abort: 'rolls the canary back now',
  promote: 'promotes now, skipping the remaining steps and analysis (--reason required, audited)',
  retry: "starts a failed rollout's revision and image again, as a new rollout",
  unfreeze:
    'lets the rollout (or every rollout of a fleet rollout) go on during a freeze (--reason required, audited)',
};

export const usageOf = (verb: ApiCommand) =>
  `usage: aviary ${verb} ID|TARGET [--reason TEXT] [--revision REV]\n  ${WHAT[verb]}.\n  --revision refuses the command (409) if the rollout is of another revision by then.\n`;

const OPTIONS = { ...CONNECTION_OPTIONS, reason: { type: 'string' }, revision: { type: 'string' } } as const;

/** `aviary approve|reject|pause|resume|abort|promote|retry ID`: `POST /rollouts/{id}/commands`. */
export function runCommand(
  verb: string,
  argv: string[],
  ctx: CliContext = processContext(),
): Promise<number> {
  if (!(API_COMMANDS as readonly string[]).includes(verb)) throw new Error(`not a rollout command: ${verb}`);
  const command = verb as ApiCommand;
  const usage = usageOf(command);
  return runCli(ctx, usage, async () => {
    const args = parseCliArgs(argv, OPTIONS);
    if (args.help) {
      ctx.out(usage);
      return 0;
    }
    const [ref, ...extra] = args.positionals;
    if (!ref) throw new UsageError(`which rollout: aviary ${command} ID|TARGET`);
    if (extra.length > 0)
      throw new UsageError(`unexpected argument "${extra[0]}" (quote a reason: --reason "two words")`);
    const reason = stringOption(args.values, 'reason');
    const revision = stringOption(args.values, 'revision');
    if (command === 'promote' && !reason?.trim())
      throw new UsageError('promote skips the remaining steps and analysis: give --reason');
    if (command === 'unfreeze' && !reason?.trim())
      throw new UsageError('unfreeze lifts a freeze and is audited: give --reason');
    const api = apiFor(args.values, ctx);
    const answer = await api.request('POST', `/rollouts/${encodeURIComponent(ref)}/commands`, {
      command,
      ...(reason ? { reason } : {}),
      ...(revision ? { revision } : {}),
    });
    if (answer.status >= 300) throw new CliError(errorMessage(answer));
    const body = answer.body as { message: string; rollout: RolloutStatus | null };
    const rollout = body.rollout;
    const where = !rollout
      ? ''
      : (rollout as { kind?: string }).kind === 'fleet'
        ? ` — ${rollout.id} is ${rollout.phase}`
        : ` — ${rollout.id} is ${rollout.phase}, canary ${rollout.canaryWeight}%`;
    ctx.out(`${body.message}${where}\n`);
    return 0;
  });
}

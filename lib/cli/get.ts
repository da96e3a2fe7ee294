import type { RolloutPage, RolloutStatus } from '../engine/engine.js';
import type { FleetRolloutStatus } from '../model/fleet-status.js';
import { PHASES } from '../model/rollout.js';
import { type AviaryApi, apiFor, errorMessage, getRollout } from './api-client.js';
import { CONNECTION_OPTIONS, durationMs, parseCliArgs, stringOption } from './cli-args.js';
import { type CliContext, CliError, processContext, UsageError } from './cli-context.js';
import { runCli } from './cli-runner.js';
import { fleetDetail } from './fleet-detail.js';
import { outputOf, serialize } from './output-format.js';
import { type RecordedEvent, rolloutDetail } from './rollout-detail.js';
import { rolloutTable } from './rollout-table.js';

export const USAGE = `usage: aviary get rollouts [--target T] [--phase P] [--active] [--limit N] [-o json|yaml|wide]
       aviary get rollout ID [-w [--interval 2s]] [-o json|yaml]
  Lists rollouts (newest first), or shows one: its steps, the pending approval, the last decisions and why.
  -w watches: the view is redrawn in place until the rollout ends (Ctrl-C stops watching).
  Talks to the running \`npm start\` (.aviary/session.json), or --url of a deployed stack (SigV4, AWS credentials).
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  target: { type: 'string' },
  phase: { type: 'string' },
  active: { type: 'boolean' },
  limit: { type: 'string' },
  output: { type: 'string', short: 'o' },
  watch: { type: 'boolean', short: 'w' },
  interval: { type: 'string' },
} as const;

export const run = (argv: string[], ctx: CliContext = processContext()): Promise<number> =>
  runCli(ctx, USAGE, async () => {
    const args = parseCliArgs(argv, OPTIONS);
    if (args.help) {
      ctx.out(USAGE);
      return 0;
    }
    const [kind, id, ...extra] = args.positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const output = outputOf(stringOption(args.values, 'output'));
    if (kind === 'rollouts' || (kind === 'rollout' && id === undefined)) {
      if (id !== undefined) throw new UsageError(`"get rollouts" takes no id; use "get rollout ${id}"`);
      if (args.values.watch) throw new UsageError('-w watches one rollout: aviary get rollout ID -w');
      return listRollouts(apiFor(args.values, ctx), args.values, output, ctx);
    }
    if (kind === 'rollout') {
      if (output === 'wide') throw new UsageError('-o wide is for "get rollouts"');
      const api = apiFor(args.values, ctx);
      const intervalMs = durationMs('--interval', stringOption(args.values, 'interval') ?? '2s');
      return showRollout(api, id as string, output, args.values.watch === true, intervalMs, ctx);
    }
    throw new UsageError(
      kind
        ? `cannot get "${kind}": use "get rollouts" or "get rollout ID"`
        : 'what to get: rollouts, or rollout ID',
    );
  });

async function listRollouts(
  api: AviaryApi,
  values: Record<string, string | boolean | undefined>,
  output: ReturnType<typeof outputOf>,
  ctx: CliContext,
): Promise<number> {
  const query = new URLSearchParams();
  const target = stringOption(values, 'target');
  const phase = stringOption(values, 'phase');
  const limit = stringOption(values, 'limit');
  if (target) query.set('target', target);
  if (phase) {
    if (!(PHASES as readonly string[]).includes(phase))
      throw new UsageError(`--phase must be one of ${PHASES.join(', ')}, got "${phase}"`);
    query.set('phase', phase);
  }
  if (values.active) query.set('active', 'true');
  if (limit) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 100)
      throw new UsageError(`--limit must be a number from 1 to 100, got "${limit}"`);
    query.set('limit', limit);
  }
  const answer = await api.request('GET', `/rollouts${query.size > 0 ? `?${query}` : ''}`);
  if (answer.status !== 200) throw new CliError(errorMessage(answer));
  const page = answer.body as RolloutPage;
  if (output === 'json' || output === 'yaml') ctx.out(serialize(page, output));
  else if (page.rollouts.length === 0) ctx.out('No rollouts found.\n');
  else ctx.out(rolloutTable(page.rollouts, ctx.clock(), output === 'wide'));
  return 0;
}

async function showRollout(
  api: AviaryApi,
  id: string,
  output: ReturnType<typeof outputOf>,
  watch: boolean,
  intervalMs: number,
  ctx: CliContext,
): Promise<number> {
  let previous = '';
  for (;;) {
    const status = await getRollout(api, id);
    if (!status) throw new CliError(`no rollout "${id}"`);
    if ((status as unknown as { kind?: string }).kind === 'fleet') {
      // A fleet rollout (or a fleet name): its waves instead of steps.
      const fleet = status as unknown as FleetRolloutStatus;
      const view = output === 'json' || output === 'yaml' ? serialize(fleet, output) : fleetDetail(fleet);
      if (view !== previous) {
        ctx.out(watch && ctx.isTTY ? `\x1b[H\x1b[2J${view}` : `${previous && watch ? '\n' : ''}${view}`);
        previous = view;
      }
      if (!watch || ['succeeded', 'failed', 'superseded'].includes(fleet.phase)) return 0;
      await ctx.sleep(intervalMs);
      continue;
    }
    const events = await recordedEvents(api, id);
    const view =
      output === 'json' || output === 'yaml'
        ? serialize(events.length > 0 ? { ...status, events } : status, output)
        : rolloutDetail(status, ctx.clock(), { events, viewUrl: viewUrlOf(status) });
    if (view !== previous) {
      // On a terminal, redraw in place (clear the screen, cursor home); in a log, print each new view once.
      ctx.out(watch && ctx.isTTY ? `\x1b[H\x1b[2J${view}` : `${previous && watch ? '\n' : ''}${view}`);
      previous = view;
    }
    if (!watch || isDone(status)) return 0;
    await ctx.sleep(intervalMs);
  }
}

/** The signed link of the rollout's page the API answered with (null without a view secret). */
const viewUrlOf = (status: RolloutStatus): string | null =>
  (status as RolloutStatus & { viewUrl?: string | null }).viewUrl ?? null;

const isDone = (status: RolloutStatus) => ['succeeded', 'failed', 'superseded'].includes(status.phase);

/** Locally, the events the stack recorded instead of putting them on EventBridge. */
async function recordedEvents(api: AviaryApi, id: string): Promise<RecordedEvent[]> {
  if (!api.eventsUrl) return [];
  try {
    const response = await fetch(`${api.eventsUrl}?rollout=${encodeURIComponent(id)}`);
    if (!response.ok) return [];
    return ((await response.json()) as { events: RecordedEvent[] }).events;
  } catch {
    return [];
  }
}

import type { RolloutStatus } from '../engine/engine.js';
import { type AviaryApi, getRollout } from './api-client.js';
import type { CliContext } from './cli-context.js';
import { lastDecisionText } from './rollout-table.js';

/** Exit codes of `aviary status --wait` and `aviary deploy --wait`, for CI. */
export const EXIT = { succeeded: 0, failed: 1, timeout: 2 } as const;

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
}

export function transitionLine(status: RolloutStatus, now: number): string {
  const time = new Date(now).toISOString().slice(11, 19);
  const approval =
    status.phase === 'awaiting_approval' && status.approval
      ? ` (approval of ${status.approval.gate} pending)`
      : '';
  return `${time} ${status.id} ${status.phase} canary ${status.canaryWeight}%${approval} · ${lastDecisionText(status, 100)}\n`;
}

/**
 * Polls the rollout until it ends: 0 when it succeeded, 1 when it failed (rolled back, rejected, aborted) or
 * was superseded, 2 when `timeoutMs` passed first (by the context's clock). One line per transition seen.
 * A timeout of 0 reads once: a snapshot for scripts.
 */
export async function waitForRollout(
  api: AviaryApi,
  first: RolloutStatus,
  ctx: CliContext,
  options: WaitOptions,
): Promise<number> {
  const deadline = ctx.clock() + options.timeoutMs;
  let status = first;
  let shown = '';
  for (;;) {
    const key = `${status.phase}@${status.canaryWeight}#${status.lastDecision?.at ?? 0}`;
    if (key !== shown) {
      shown = key;
      ctx.out(transitionLine(status, ctx.clock()));
    }
    if (status.phase === 'succeeded') return EXIT.succeeded;
    if (status.phase === 'failed' || status.phase === 'superseded') {
      ctx.err(`${status.id} ${status.phase}: ${status.reason ?? status.lastDecision?.reason ?? ''}\n`);
      return EXIT.failed;
    }
    if (ctx.clock() >= deadline) {
      ctx.err(`timed out after ${Math.round(options.timeoutMs / 1000)}s: ${status.id} is ${status.phase}\n`);
      return EXIT.timeout;
    }
    await ctx.sleep(Math.min(options.intervalMs, Math.max(0, deadline - ctx.clock())));
    status = (await getRollout(api, status.id)) ?? status;
  }
}

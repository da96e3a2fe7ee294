import type { KubeConfig } from '@kubernetes/client-node';
import { policyFor, resolveTarget } from '../config/config-lookup.js';
import { activeFreezes } from '../core/active-freezes.js';
import { isCheckDue } from '../core/decide.js';
import { decideUnderFreeze } from '../core/freeze-gate.js';
import { ConflictError } from '../errors.js';
import type { MetricsWindow } from '../model/observation.js';
import { type Decision, isTerminal, type Rollout } from '../model/rollout.js';
import { readClusterView } from './cluster-reader.js';
import type { ClusterEngineDeps } from './engine-deps.js';
import { publishAndRemember } from './publish.js';
import { runClusterActions } from './run-actions.js';
import { ROLLBACK_WRITE_RETRY, retryTransient, timerSleep } from './transient-retry.js';

export interface AdvanceResult {
  id: string;
  phase: Rollout['phase'];
  action: Decision['action'] | 'none';
  error?: string;
  /** The cluster could not be read for this rollout (it held). */
  clusterUnreachable?: boolean;
}

/**
 * One rollout, one tick: re-read the cluster, let the core decide, save the intent (conditional on the
 * version), then converge the cluster on it. Intent is saved before effects run, so a crash in between is
 * healed by the next tick's convergence.
 */
export async function advanceRollout(
  deps: ClusterEngineDeps,
  listed: Rollout,
  kubeConfig: KubeConfig,
  signal?: AbortSignal,
): Promise<AdvanceResult> {
  // The tick lists rollouts from an eventually consistent index: what it listed may be a version that an
  // abort, a command or a newer revision has replaced since. Converging the cluster on it would put back stale
  // weights or scale a canary up again, so the rollout is read again, consistently, and only that is acted on.
  const rollout = await deps.store.getRollout(listed.id);
  if (!rollout || isTerminal(rollout.phase)) {
    // Finished, but its last transition never reached its message (the process died in between): publish it.
    const finished = rollout?.publishPending ? resolveTarget(deps.config, rollout.target) : null;
    if (rollout && finished) await publishAndRemember(deps, rollout, finished);
    return { id: listed.id, phase: rollout?.phase ?? listed.phase, action: 'none' };
  }
  const target = resolveTarget(deps.config, rollout.target);
  if (!target)
    return {
      id: rollout.id,
      phase: rollout.phase,
      action: 'none',
      error: `target ${rollout.target} is no longer configured`,
    };
  const policy = policyFor(deps.config, rollout.target);
  const router = deps.routers(kubeConfig, target);
  const workloads = deps.workloads(kubeConfig, target);
  const now = deps.clock();
  const { view, error } = await readClusterView(router, deps.workloads, kubeConfig, target);
  let metrics: MetricsWindow | null | undefined;
  if (view && isCheckDue(rollout, now)) {
    try {
      metrics = await deps.metrics(kubeConfig, target).read(policy.intervalSeconds);
    } catch (e) {
      deps.log('warn', 'metric source unavailable', { rollout: rollout.id, error: String(e) });
      metrics = null;
    }
  }
  const out = decideUnderFreeze({
    rollout,
    freezes: activeFreezes(deps.config.freezes, rollout.target, now),
    policy,
    judge: deps.judgeFor(policy),
    now,
    view,
    metrics,
    ...(error ? { viewError: error } : {}),
  });
  if (signal?.aborted) {
    // Past the cluster's time budget: change nothing; the rollout holds until the next tick.
    return { id: rollout.id, phase: rollout.phase, action: 'none', error: 'cluster time budget exceeded' };
  }
  const notify = out.actions.some((a) => a.type === 'notify');
  // The outbox mark goes with the state write: a crash before the message shows it leaves it for the next tick.
  let current: Rollout =
    notify && out.rollout.version !== rollout.version
      ? { ...out.rollout, publishPending: true }
      : out.rollout;
  if (current.version !== rollout.version) {
    try {
      await deps.store.saveRollout(current, out.decision ?? undefined);
    } catch (e) {
      if (e instanceof ConflictError) {
        // Someone else (a command, another tick) moved it first; the next tick starts from their state.
        return {
          id: rollout.id,
          phase: rollout.phase,
          action: 'none',
          error: 'conflict: changed concurrently',
        };
      }
      throw e;
    }
  }
  if (out.decision) {
    deps.log('info', `${current.id} ${out.decision.action}: ${out.decision.reason}`, {
      rollout: current.id,
      phase: current.phase,
      weight: current.canaryWeight,
      rule: out.decision.rule,
    });
  }
  let actionError: string | undefined;
  try {
    if (current.version === rollout.version && out.actions.some((a) => a.type !== 'notify')) {
      // Nothing was written to tell a race by: check that the rollout is still the version decided on
      // before writing to the cluster (a command may have landed while the cluster was being read).
      const latest = await deps.store.getRollout(rollout.id);
      if (latest?.version !== rollout.version) {
        return { id: rollout.id, phase: latest?.phase ?? rollout.phase, action: 'none' };
      }
    }
    // A rollback's traffic write is tried again in this tick when the cluster fails it for a passing reason:
    // left to the next tick, the bad canary would keep its share of requests for a whole interval.
    const rollback = out.decision?.action === 'rollback';
    await runClusterActions(out.actions, router, workloads, signal, (write) =>
      rollback
        ? retryTransient(write, {
            policy: ROLLBACK_WRITE_RETRY,
            sleep: deps.sleep ?? timerSleep,
            ...(signal ? { signal } : {}),
            onRetry: (attempt, e, delayMs) =>
              deps.log('warn', 'rollback traffic write failed; trying again', {
                rollout: current.id,
                attempt,
                delayMs,
                error: String(e),
              }),
          })
        : write(),
    );
  } catch (e) {
    actionError = e instanceof Error ? e.message : String(e);
    deps.log('warn', 'cluster action failed; the next tick converges again', {
      rollout: current.id,
      error: actionError,
    });
  }
  // A transition published now, or an earlier one whose publish was lost (its outbox mark is still set).
  if (notify || current.publishPending) current = await publishAndRemember(deps, current, target);
  if (out.actions.some((a) => a.type === 'remindApproval') && deps.notifier.remind) {
    try {
      await deps.notifier.remind(current, target);
    } catch (e) {
      // A lost reminder is not worth a retry loop: the approval request itself is still on the message.
      deps.log('warn', 'approval reminder failed', { rollout: current.id, error: String(e) });
    }
  }
  return {
    id: current.id,
    phase: current.phase,
    action: out.decision?.action ?? 'none',
    ...(actionError ? { error: actionError } : error ? { error: error.message } : {}),
    ...(error?.kind === 'unavailable' ? { clusterUnreachable: true } : {}),
  };
}

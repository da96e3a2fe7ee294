import { isTerminal, type Rollout } from '../../model/rollout.js';
import { CHAOS_INTERVAL_MS } from './chaos-config.js';
import type { ChaosStack } from './chaos-stack.js';
import { checkHistory } from './history-check.js';
import type { ChaosRequest, ChaosScript, ScriptView } from './scripts.js';

/** One target of a run, driven by its script. */
export interface ChaosTarget {
  name: string;
  script: ChaosScript;
}

export interface TargetOutcome {
  name: string;
  script: ChaosScript;
  rollouts: Rollout[];
  /** Every rollout reached the expected terminal phase and the cluster runs what it should, canary off. */
  converged: boolean;
  /** Requests the mesh routed to a canary at a round that ended a full tick after its rollback was decided. */
  canaryRequestsAfterRollback: number;
  lostTransitions: number;
  nonLinear: number;
  versionViolations: number;
  terminalViolations: number;
  /** Slack messages beyond one per rollout. */
  duplicateMessages: number;
  /** Rollouts whose Slack message does not show where they ended. */
  staleMessages: number;
  problems: string[];
}

export interface RoundHooks {
  /** Called after each invocation (the round's requests, then its tick) has returned. */
  afterInvocation?: () => Set<string> | undefined;
  /** Answers to requests of a target whose process crashed are lost: the sender retries them later. */
  maxRounds: number;
}

const REQUESTS_PER_SECOND = 200;

/**
 * Rounds of: each target's script sends what it wants (concurrently), then one scheduled tick, then an observation
 * through fault-free reads; the clock moves one analysis interval per round. Ends when every target converged or
 * after `maxRounds`.
 */
export async function runRounds(
  cs: ChaosStack,
  targets: ChaosTarget[],
  hooks: RoundHooks,
): Promise<{ outcomes: TargetOutcome[]; rounds: number }> {
  const views = new Map<string, ScriptView>(targets.map((t) => [t.name, { rollouts: [], seen: new Set() }]));
  const rollbackSeen = new Map<string, number>();
  const canaryRequests = new Map<string, number>();
  const done = new Set<string>();
  let round = 0;
  for (; round < hooks.maxRounds && done.size < targets.length; round++) {
    const requests = targets.map((t) => {
      const view = views.get(t.name) as ScriptView;
      return { t, request: done.has(t.name) ? null : t.script.next(view) };
    });
    await Promise.all(requests.map(({ t, request }) => (request ? send(cs, t.name, request, round) : null)));
    hooks.afterInvocation?.();
    try {
      await cs.tick();
    } catch {
      // A failed tick (its list of active rollouts lost to a fault) is the scheduler's next minute's problem.
    }
    hooks.afterInvocation?.();
    const all = await cs.rolloutsByTarget();
    await Promise.all(
      targets.map(async (t) => {
        const rollouts = all.get(t.name) ?? [];
        const view = views.get(t.name) as ScriptView;
        view.rollouts = rollouts;
        const cluster = cs.cluster(t.name);
        const latest = rollouts[0];
        if (latest && (latest.phase === 'rolling_back' || latest.phase === 'failed')) {
          const seen = rollbackSeen.get(latest.id);
          if (seen === undefined) rollbackSeen.set(latest.id, round);
          else if (cluster.canaryWeight > 0) {
            const requests = Math.round(
              (REQUESTS_PER_SECOND * CHAOS_INTERVAL_MS * cluster.canaryWeight) / 100_000,
            );
            canaryRequests.set(t.name, (canaryRequests.get(t.name) ?? 0) + requests);
          }
        }
        if (converged(t.script, rollouts, cluster)) done.add(t.name);
      }),
    );
    cs.advance();
  }
  const outcomes = await Promise.all(
    targets.map((t) =>
      outcomeOf(cs, t, views.get(t.name)?.rollouts ?? [], done.has(t.name), canaryRequests.get(t.name) ?? 0),
    ),
  );
  return { outcomes, rounds: round };
}

function converged(
  script: ChaosScript,
  rollouts: Rollout[],
  cluster: ReturnType<ChaosStack['cluster']>,
): boolean {
  const expected = Object.entries(script.expected.phases);
  return (
    expected.every(([revision, phase]) => rollouts.find((r) => r.revision === revision)?.phase === phase) &&
    rollouts.every((r) => isTerminal(r.phase)) &&
    cluster.canaryWeight === 0 &&
    cluster.canaryReplicas === 0 &&
    cluster.primaryImage === script.expected.primaryImage
  );
}

async function send(cs: ChaosStack, target: string, request: ChaosRequest, round: number): Promise<void> {
  try {
    if (request.kind === 'deploy') {
      // One delivery id per announcement: a retry after a lost answer is the same delivery.
      await cs.deploy(target, request.revision, request.image, `${target}-${request.revision}`);
    } else {
      await cs.slash(request.verb, request.ref, `round-${round}`);
    }
  } catch {
    // A dropped connection is an answer lost; the script sends again when it sees nothing changed.
  }
}

async function outcomeOf(
  cs: ChaosStack,
  t: ChaosTarget,
  rollouts: Rollout[],
  isConverged: boolean,
  canaryRequestsAfterRollback: number,
): Promise<TargetOutcome> {
  const outcome: TargetOutcome = {
    name: t.name,
    script: t.script,
    rollouts,
    converged: isConverged,
    canaryRequestsAfterRollback,
    lostTransitions: 0,
    nonLinear: 0,
    versionViolations: 0,
    terminalViolations: 0,
    duplicateMessages: 0,
    staleMessages: 0,
    problems: [],
  };
  if (!isConverged) outcome.problems.push(`not converged: ${describe(cs, t.name, rollouts)}`);
  for (const r of rollouts) {
    const verdict = checkHistory(await cs.history(r.id), r.phase);
    outcome.lostTransitions += verdict.lostTransitions;
    if (!verdict.linear) outcome.nonLinear += 1;
    if (!verdict.versionsIncreasing) outcome.versionViolations += 1;
    if (isTerminal(r.phase) && verdict.terminalDecisions !== 1) outcome.terminalViolations += 1;
    outcome.problems.push(...verdict.problems.map((p) => `${r.id}: ${p}`));
    const messages = cs.messagesOf(t.name, r.revision);
    if (messages.length > 1) {
      outcome.duplicateMessages += messages.length - 1;
      outcome.problems.push(`${r.id}: ${messages.length} Slack messages`);
    }
    const shown = messages[messages.length - 1]?.text ?? '';
    if (!shown.includes(`: ${r.phase.replace('_', ' ')},`)) {
      outcome.staleMessages += 1;
      outcome.problems.push(`${r.id}: Slack shows "${shown}" for a ${r.phase} rollout`);
    }
  }
  return outcome;
}

function describe(cs: ChaosStack, target: string, rollouts: Rollout[]): string {
  const c = cs.cluster(target);
  const phases = rollouts.map((r) => `${r.id}@${r.revision}:${r.phase}/${r.canaryWeight}%`).join(', ');
  return `${phases || 'no rollout'}; cluster canary ${c.canaryWeight}% × ${c.canaryReplicas}, primary ${c.primaryImage}`;
}

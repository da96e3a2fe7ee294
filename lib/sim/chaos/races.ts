import type { DynamoDbLocal } from '../../local/dynamodb-local.js';
import { isTerminal, type Rollout } from '../../model/rollout.js';
import { createRandom, type Random } from '../random.js';
import { CHAOS_INTERVAL_MS, chaosConfig, chaosTargetName } from './chaos-config.js';
import { startChaosStack } from './chaos-stack.js';
import { checkHistory } from './history-check.js';

export interface RacesOptions {
  operations: number;
  targets: number;
  /** Operations sent at once; the clock moves one analysis interval between waves. */
  wave: number;
  seed: number;
  clusters?: number;
}

export type RaceOperation = 'approve' | 'abort' | 'pause' | 'resume' | 'delivery' | 'redelivery' | 'tick';

export interface RacesResult {
  operations: Record<RaceOperation, number>;
  rollouts: number;
  decisions: number;
  nonLinear: number;
  versionViolations: number;
  /** Terminal rollouts without exactly one terminal decision, plus rollouts still active after the drain. */
  terminalViolations: number;
  lostTransitions: number;
  duplicateMessages: number;
  /** Canary requests while a target's latest rollout had been rolled back for a full wave with a tick. */
  canaryRequestsAfterRollback: number;
  problems: string[];
}

/** Shares of the operation mix; the rest of the unit interval is ticks. */
const MIX: [RaceOperation, number][] = [
  ['approve', 0.2],
  ['abort', 0.06],
  ['pause', 0.14],
  ['resume', 0.14],
  ['delivery', 0.1],
  ['redelivery', 0.06],
];

const REQUESTS_PER_SECOND = 200;

/**
 * Operators, CI and the scheduler all at once: approve, abort, pause and resume commands, new and repeated
 * deliveries, and overlapping ticks, sent in concurrent waves on gated rollouts. Afterwards every rollout is
 * drained to a terminal phase and every history must be one line of strictly increasing versions with exactly
 * one terminal decision.
 */
export async function runRaces(dynamo: DynamoDbLocal, options: RacesOptions): Promise<RacesResult> {
  const rng = createRandom(options.seed);
  const names = Array.from({ length: options.targets }, (_, i) => chaosTargetName(i));
  const cs = await startChaosStack(
    dynamo,
    chaosConfig({ targets: options.targets, clusters: options.clusters ?? 2, policyOf: () => 'gated' }),
    options.seed,
  );
  const counts = Object.fromEntries([...MIX.map(([op]) => op), 'tick'].map((op) => [op, 0])) as Record<
    RaceOperation,
    number
  >;
  const revisions = new Map<string, number>(names.map((n) => [n, 0]));
  const delivered: { target: string; revision: string; image: string }[] = [];
  const rolledBackSince = new Map<string, number>();
  let canaryRequestsAfterRollback = 0;
  const problems: string[] = [];
  const deliver = (target: string) => {
    const n = (revisions.get(target) ?? 0) + 1;
    revisions.set(target, n);
    const image = rng.uniform() < 0.2 ? `example/app:${n}-faulty` : `example/app:${n}`;
    const d = { target, revision: `r${n}`, image };
    delivered.push(d);
    return d;
  };
  try {
    // Every target starts with a rollout, so the first wave already has something to race on.
    await Promise.all(
      names.map((t) => {
        const d = deliver(t);
        return cs.deploy(t, d.revision, d.image, `${t}-${d.revision}`);
      }),
    );
    let sent = 0;
    for (let wave = 0; sent < options.operations; wave++) {
      const size = Math.min(options.wave, options.operations - sent);
      const ops = Array.from({ length: size }, (_, i) => draw(rng, i === 0));
      sent += size;
      await Promise.all(
        ops.map(async (op, i) => {
          counts[op] += 1;
          const target = names[Math.floor(rng.uniform() * names.length)] as string;
          const note = `w${wave}-${i}`;
          try {
            switch (op) {
              case 'tick':
                await cs.tick();
                return;
              case 'delivery': {
                const d = deliver(target);
                await cs.deploy(target, d.revision, d.image, `${target}-${d.revision}`);
                return;
              }
              case 'redelivery': {
                const d = delivered[Math.floor(rng.uniform() * delivered.length)];
                if (d) await cs.deploy(d.target, d.revision, d.image, `${d.target}-${d.revision}`);
                return;
              }
              default:
                await cs.slash(op, target, note);
            }
          } catch (e) {
            problems.push(`${op} ${target}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }),
      );
      canaryRequestsAfterRollback += await rollbackTraffic(cs, names, rolledBackSince, wave);
      cs.advance();
    }
    // Drain: abort what is still running, then tick until nothing is active.
    for (let round = 0; round < 12; round++) {
      const all = await cs.rolloutsByTarget();
      const latest = names.map((t) => all.get(t)?.[0]);
      const active = latest.filter((r): r is Rollout => !!r && !isTerminal(r.phase));
      if (active.length === 0) break;
      await Promise.all(active.map((r) => cs.slash('abort', r.id, `drain-${round}`).catch(() => null)));
      await cs.tick();
      cs.advance();
    }
    return { ...(await verify(cs, names, problems)), operations: counts, canaryRequestsAfterRollback };
  } finally {
    await cs.close();
  }
}

/** The first operation of each wave is a tick, so every wave has one; the others follow the mix. */
function draw(rng: Random, first: boolean): RaceOperation {
  if (first) return 'tick';
  let u = rng.uniform();
  for (const [op, share] of MIX) {
    if (u < share) return op;
    u -= share;
  }
  return 'tick';
}

/**
 * Requests routed to a canary whose rollback was decided before the previous wave: by then at least one complete
 * tick (each wave has one) has had the chance to take its traffic away.
 */
async function rollbackTraffic(
  cs: Awaited<ReturnType<typeof startChaosStack>>,
  names: string[],
  since: Map<string, number>,
  wave: number,
): Promise<number> {
  let requests = 0;
  const all = await cs.rolloutsByTarget();
  for (const t of names) {
    const latest = all.get(t)?.[0];
    const rolledBack = latest && (latest.phase === 'rolling_back' || latest.phase === 'failed');
    if (!latest || !rolledBack) continue;
    const first = since.get(latest.id);
    if (first === undefined) {
      since.set(latest.id, wave);
      continue;
    }
    const weight = cs.cluster(t).canaryWeight;
    if (first < wave - 1 && weight > 0)
      requests += Math.round((REQUESTS_PER_SECOND * CHAOS_INTERVAL_MS * weight) / 100_000);
  }
  return requests;
}

async function verify(
  cs: Awaited<ReturnType<typeof startChaosStack>>,
  names: string[],
  problems: string[],
): Promise<Omit<RacesResult, 'operations' | 'canaryRequestsAfterRollback'>> {
  const result = {
    rollouts: 0,
    decisions: 0,
    nonLinear: 0,
    versionViolations: 0,
    terminalViolations: 0,
    lostTransitions: 0,
    duplicateMessages: 0,
    problems,
  };
  for (const t of names) {
    for (const r of await cs.rollouts(t)) {
      result.rollouts += 1;
      const history = await cs.history(r.id);
      result.decisions += history.length;
      const verdict = checkHistory(history, r.phase);
      if (!verdict.linear) result.nonLinear += 1;
      if (!verdict.versionsIncreasing) result.versionViolations += 1;
      if (!isTerminal(r.phase) || verdict.terminalDecisions !== 1) result.terminalViolations += 1;
      result.lostTransitions += verdict.lostTransitions;
      problems.push(...verdict.problems.map((p) => `${r.id}: ${p}`));
      if (!isTerminal(r.phase)) problems.push(`${r.id}: still ${r.phase} after the drain`);
      const messages = cs.messagesOf(t, r.revision).length;
      if (messages > 1) {
        result.duplicateMessages += messages - 1;
        problems.push(`${r.id}: ${messages} Slack messages`);
      }
    }
  }
  return result;
}

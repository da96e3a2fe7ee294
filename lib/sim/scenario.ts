import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { type JudgeConfig, type Policy, PolicySchema } from '../model/policy.js';
import type { SideConditions, WindowConditions } from './traffic-model.js';

const LatencySchema = z
  .object({ p50: z.number().positive(), p99: z.number().positive() })
  .strict()
  .refine((l) => l.p99 >= l.p50, { message: 'p99 must be at least p50', path: ['p99'] });

/** Failures in bursts whose size is geometric with this mean (1 = independent failures). */
const FailureBurstsSchema = z
  .object({ meanSize: z.number().min(1, 'a burst fails at least one request on average: meanSize ≥ 1') })
  .strict();

const SideSchema = z
  .object({
    errorRate: z.number().min(0).max(1),
    latencyMs: LatencySchema,
    failureBursts: FailureBurstsSchema.optional(),
  })
  .strict();

const SideChangeSchema = z
  .object({
    atSecond: z.number().min(0),
    errorRate: z.number().min(0).max(1).optional(),
    latencyMs: LatencySchema.optional(),
    failureBursts: FailureBurstsSchema.optional(),
  })
  .strict()
  .refine((c) => c.errorRate !== undefined || c.latencyMs !== undefined || c.failureBursts !== undefined, {
    message: 'a change must set errorRate, latencyMs or failureBursts',
    path: ['errorRate'],
  });

/** A version that only breaks under load: the canary fails at `errorRate` while its weight is above `aboveWeight`%. */
const WeightFailureSchema = z
  .object({ aboveWeight: z.number().min(0).max(100), errorRate: z.number().min(0).max(1) })
  .strict();

const TrafficChangeSchema = z
  .object({ atSecond: z.number().min(0), requestsPerSecond: z.number().min(0) })
  .strict();

/** A simulated rollout: traffic, how each side behaves and when that changes, and what should happen. */
export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    durationSeconds: z.number().int().positive(),
    requestsPerSecond: z.number().min(0),
    primary: SideSchema,
    canary: SideSchema,
    canaryChanges: z.array(SideChangeSchema).default([]),
    primaryChanges: z.array(SideChangeSchema).default([]),
    trafficChanges: z.array(TrafficChangeSchema).default([]),
    canaryWeightFailures: z.array(WeightFailureSchema).default([]),
    /** What the metric source reports: p50/p99 values (SMI) or latency bucket counts (Prometheus). */
    metrics: z.enum(['quantiles', 'histogram']).default('quantiles'),
    /** Partial policy, merged over the simulator's defaults and parsed with the real PolicySchema. */
    policy: z.record(z.string(), z.unknown()).optional(),
    /** What a good judge should do: roll a bad canary back, promote a healthy one. */
    expected: z.enum(['rollback', 'promote']),
  })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;

/** Steps and window of the example scenarios; the rest comes from PolicySchema's defaults. */
export const SCENARIO_POLICY_DEFAULTS = { stepWeights: [5, 10, 20, 40, 60], intervalSeconds: 60 } as const;

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Validates a parsed scenario file and its policy; errors name the field (`canary.errorRate: …`). */
export function parseScenario(input: unknown, source = 'scenario'): { scenario: Scenario; policy: Policy } {
  const parsed = ScenarioSchema.safeParse(input);
  if (!parsed.success) throw new ScenarioError(`${source}: ${describeIssues(parsed.error.issues)}`);
  const scenario = parsed.data;
  return { scenario, policy: scenarioPolicy(scenario, source) };
}

export async function loadScenario(file: string): Promise<{ scenario: Scenario; policy: Policy }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseScenario(json, file);
}

/** The scenario's policy with the judge replaced by `kind` (keeping the scenario's settings if it is that kind). */
export function policyForJudge(scenario: Scenario, kind?: JudgeConfig['kind'], source = 'scenario'): Policy {
  const own = scenario.policy?.judge as { kind?: unknown } | undefined;
  if (kind === undefined || own?.kind === kind) return scenarioPolicy(scenario, source);
  return scenarioPolicy({ ...scenario, policy: { ...scenario.policy, judge: { kind } } }, source);
}

function scenarioPolicy(scenario: Scenario, source: string): Policy {
  const own = scenario.policy ?? {};
  // A scenario that sets stepWeight (+ maxWeight) replaces the default step list rather than clashing with it.
  const defaults =
    'stepWeight' in own || 'maxWeight' in own ? { intervalSeconds: 60 } : SCENARIO_POLICY_DEFAULTS;
  const parsed = PolicySchema.safeParse({ ...defaults, ...own });
  if (!parsed.success) {
    throw new ScenarioError(`${source}: ${describeIssues(parsed.error.issues, ['policy'])}`);
  }
  return parsed.data;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string {
  return issues
    .map((issue) => {
      const path = [...prefix, ...issue.path].map(String).join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * The canary's conditions at a weight: a `canaryWeightFailures` rule whose `aboveWeight` the weight exceeds
 * sets its error rate (the highest such rule wins), and never lowers it.
 */
export function canaryAtWeight(scenario: Scenario, canary: SideConditions, weight: number): SideConditions {
  let rule: Scenario['canaryWeightFailures'][number] | undefined;
  for (const r of scenario.canaryWeightFailures) {
    if (weight > r.aboveWeight && (rule === undefined || r.aboveWeight > rule.aboveWeight)) rule = r;
  }
  return rule && rule.errorRate > canary.errorRate ? { ...canary, errorRate: rule.errorRate } : canary;
}

export interface Conditions {
  rps: number;
  canary: SideConditions;
  primary: SideConditions;
}

/** Traffic and both sides' behaviour at a given second, after every change that has happened by then. */
export function conditionsAt(scenario: Scenario, second: number): Conditions {
  let rps = scenario.requestsPerSecond;
  for (const c of byTime(scenario.trafficChanges)) if (c.atSecond <= second) rps = c.requestsPerSecond;
  return {
    rps,
    canary: sideAt(scenario.canary, scenario.canaryChanges, second),
    primary: sideAt(scenario.primary, scenario.primaryChanges, second),
  };
}

function sideAt(base: SideConditions, changes: Scenario['canaryChanges'], second: number): SideConditions {
  let side = base;
  for (const c of byTime(changes)) {
    if (c.atSecond > second) break;
    side = {
      errorRate: c.errorRate ?? side.errorRate,
      latencyMs: c.latencyMs ?? side.latencyMs,
      failureBursts: c.failureBursts ?? side.failureBursts,
    };
  }
  return side;
}

const byTime = <T extends { atSecond: number }>(changes: readonly T[]): T[] =>
  [...changes].sort((a, b) => a.atSecond - b.atSecond);

/** Seconds at which anything changes, strictly between `from` and `to`. */
export function changePointsBetween(scenario: Scenario, from: number, to: number): number[] {
  const all = [...scenario.canaryChanges, ...scenario.primaryChanges, ...scenario.trafficChanges].map(
    (c) => c.atSecond,
  );
  return [...new Set(all)].filter((s) => s > from && s < to).sort((a, b) => a - b);
}

/**
 * The stretches of traffic between two seconds of a scenario at a canary weight: cut at every change point, each
 * with the rate and both sides' behaviour in force (the canary's weight failures applied).
 */
export function scenarioSegments(
  scenario: Scenario,
  canaryWeight: number,
  from: number,
  to: number,
): WindowConditions[] {
  const cuts = [from, ...changePointsBetween(scenario, from, to), to];
  const segments: WindowConditions[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i] ?? from;
    const b = cuts[i + 1] ?? to;
    const c = conditionsAt(scenario, a);
    segments.push({
      rps: c.rps,
      canaryWeight,
      seconds: b - a,
      canary: canaryAtWeight(scenario, c.canary, canaryWeight),
      primary: c.primary,
    });
  }
  return segments;
}

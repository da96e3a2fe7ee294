import { createJudge } from '../analysis/create-judge.js';
import { applyCommand } from '../core/commands.js';
import { decide, isCheckDue } from '../core/decide.js';
import { newRollout } from '../core/rollout-start.js';
import type { Action } from '../model/action.js';
import type { Explanation } from '../model/explanation.js';
import type { Judge } from '../model/judge.js';
import type { ClusterView, DeploymentView, MetricsWindow } from '../model/observation.js';
import type { JudgeConfig, Policy } from '../model/policy.js';
import type { Decision, Rollout } from '../model/rollout.js';
import { createRandom } from './random.js';
import { type Scenario, scenarioSegments } from './scenario.js';
import { sampleSegments } from './traffic-model.js';

export interface SimulationStep {
  atSecond: number;
  weight: number;
  decision: Decision['action'];
  rule: string;
  explanation: Explanation;
}

/** Canary traffic served over one stretch of the run (an analysis window, or the tail after the last one). */
export interface CanaryTraffic {
  fromSecond: number;
  toSecond: number;
  /** Canary weight (percent) the router held over the stretch. */
  weight: number;
  requests: number;
  failures: number;
}

export interface SimulationResult {
  scenario: string;
  judge: JudgeConfig['kind'];
  seed: number;
  /** `asked`: the rollout ended the scenario waiting for a person because the evidence stayed inconclusive. */
  outcome: 'promoted' | 'rolled_back' | 'asked' | 'undecided';
  decidedAtSecond: number | null;
  canaryRequests: number;
  canaryFailedRequests: number;
  steps: SimulationStep[];
  traffic: CanaryTraffic[];
}

export interface RunOptions {
  scenario: Scenario;
  policy: Policy;
  seed: number;
  /** Defaults to the policy's judge. */
  judge?: Judge;
  /** Seconds between ticks while nothing is due (pending, promoting, rolling back). */
  tickSeconds?: number;
  /** Keep every decision (the CLI prints them; the benchmark does not need them). */
  recordSteps?: boolean;
}

const EPOCH = Date.UTC(2026, 0, 1);
const APPROVER = 'simulator';

/**
 * One rollout of a scenario through the real core and a judge, in simulated time. The cluster is a view the
 * core's actions edit directly (weights as the last `setWeights` set them, both Deployments available, the
 * primary taking the canary's pod spec on `promote`); traffic since the last check is sampled when a check is
 * due; a pending approval is granted at once. Stops when the rollout starts promoting or rolling back, or at
 * the scenario's end.
 */
export function runScenario(options: RunOptions): SimulationResult {
  const { scenario, policy, seed } = options;
  const tick = options.tickSeconds ?? 5;
  const judge = options.judge ?? createJudge(policy.judge);
  const rng = createRandom(seed);
  const view = initialView();
  const steps: SimulationStep[] = [];
  const traffic: CanaryTraffic[] = [];
  const record = (d: Decision | null, at: number): void => {
    if (!d || !options.recordSteps) return;
    steps.push({
      atSecond: at,
      weight: d.weight,
      decision: d.action,
      rule: d.rule,
      explanation: d.explanation ?? { judge: 'core', rule: d.rule, summary: d.reason, inputs: {} },
    });
  };
  const start = newRollout({
    id: `sim-${scenario.name}-${seed}`,
    target: scenario.name,
    cluster: 'simulated',
    revision: 'canary',
    image: null,
    source: { kind: 'simulator', actor: APPROVER },
    policy,
    now: EPOCH,
  });
  record(start.decision, 0);
  let rollout: Rollout = start.rollout;
  let windowStart = 0;
  const apply = (actions: Action[], at: number): void => {
    for (const a of actions) {
      if (a.type === 'setWeights' && a.weights.canary !== view.weights.canary) windowStart = at;
      applyAction(view, a);
    }
  };
  const sample = (from: number, to: number): MetricsWindow => {
    const sampled = sampleSegments(
      scenarioSegments(scenario, view.weights.canary, from, to),
      rng,
      scenario.metrics,
    );
    const c = sampled.canary;
    traffic.push({
      fromSecond: from,
      toSecond: to,
      weight: view.weights.canary,
      requests: c ? c.successCount + c.failureCount : 0,
      failures: c ? c.failureCount : 0,
    });
    return { windowSeconds: to - from, ...sampled };
  };

  let outcome: SimulationResult['outcome'] = 'undecided';
  let decidedAtSecond: number | null = null;
  let t = 0;
  while (t <= scenario.durationSeconds) {
    const now = EPOCH + t * 1000;
    let metrics: MetricsWindow | undefined;
    if (isCheckDue(rollout, now) && t > windowStart) {
      metrics = sample(windowStart, t);
      windowStart = t;
    }
    const out = decide({ rollout, policy, judge, now, view, metrics });
    record(out.decision, t);
    apply(out.actions, t);
    rollout = out.rollout;
    if (rollout.phase === 'awaiting_approval' && rollout.approval?.gate === 'evidence') {
      // The evidence stayed inconclusive past the deadline: a person decides. The simulated approver does
      // not stand in for that judgement; the run ends here.
      outcome = 'asked';
      decidedAtSecond = t;
      break;
    }
    if (rollout.phase === 'awaiting_approval' && rollout.approval) {
      const approved = applyCommand({
        rollout,
        command: {
          kind: 'approve',
          actor: APPROVER,
          revision: rollout.approval.revision,
          gate: rollout.approval.gate,
        },
        policy,
        approvers: [APPROVER],
        now,
      });
      if (approved.ok) {
        record(approved.decision, t);
        apply(approved.actions, t);
        rollout = approved.rollout;
      }
    }
    if (rollout.phase === 'promoting' || rollout.phase === 'succeeded') outcome = 'promoted';
    if (rollout.phase === 'rolling_back' || rollout.phase === 'failed') outcome = 'rolled_back';
    if (outcome !== 'undecided') {
      decidedAtSecond = t;
      break;
    }
    t = nextTick(rollout, t, tick);
  }
  if (outcome === 'undecided' && windowStart < scenario.durationSeconds && view.weights.canary > 0) {
    sample(windowStart, scenario.durationSeconds);
  }
  return {
    scenario: scenario.name,
    judge: policy.judge.kind,
    seed,
    outcome,
    decidedAtSecond,
    canaryRequests: traffic.reduce((sum, w) => sum + w.requests, 0),
    canaryFailedRequests: traffic.reduce((sum, w) => sum + w.failures, 0),
    steps,
    traffic,
  };
}

/** While a rollout only waits for its next check, jump straight to it. */
function nextTick(rollout: Rollout, t: number, tick: number): number {
  if (rollout.phase === 'progressing' || rollout.phase === 'awaiting_approval') {
    const due = Math.ceil((rollout.nextCheckAt - EPOCH) / 1000);
    return Math.max(t + tick, Math.min(due, t + 3600));
  }
  return t + tick;
}

function deployment(name: string, podSpecHash: string): DeploymentView {
  return {
    name,
    exists: true,
    image: null,
    podSpecHash,
    replicas: 2,
    readyReplicas: 2,
    updatedReplicas: 2,
    availableReplicas: 2,
    available: true,
  };
}

function initialView(): ClusterView {
  return {
    weights: { primary: 100, canary: 0 },
    primary: deployment('app-primary', 'spec-stable'),
    canary: deployment('app-canary', 'spec-candidate'),
  };
}

function applyAction(view: ClusterView, action: Action): void {
  switch (action.type) {
    case 'setWeights':
      view.weights = { ...action.weights };
      break;
    case 'prepareCanary':
      view.canary = {
        ...view.canary,
        image: action.image,
        replicas: action.replicas,
        readyReplicas: action.replicas,
        updatedReplicas: action.replicas,
        availableReplicas: action.replicas,
        available: true,
      };
      break;
    case 'promote':
      view.primary = { ...view.primary, podSpecHash: view.canary.podSpecHash, image: view.canary.image };
      break;
    case 'scaleCanary':
      view.canary = {
        ...view.canary,
        replicas: action.replicas,
        readyReplicas: action.replicas,
        updatedReplicas: action.replicas,
        availableReplicas: action.replicas,
        available: true,
      };
      break;
    case 'notify':
      break;
  }
}

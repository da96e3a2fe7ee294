import type { Action } from '../model/action.js';
import type { Explanation } from '../model/explanation.js';
import type { ClusterView, MetricsWindow } from '../model/observation.js';
import { type Policy, stepWeightsOf } from '../model/policy.js';
import { isTerminal, type PendingApproval, type Rollout } from '../model/rollout.js';
import { approvalReminderDue } from './approval-reminder.js';
import type { DecideInput, DecideOutput } from './contract.js';
import { canaryNeedsPreparing, converge } from './converge.js';
import { checkTrafficShare } from './traffic-share.js';
import { type DecisionFields, touch, transition } from './transition.js';

/** Phases in which the canary is analysed when a check is due. */
const ANALYSED: readonly Rollout['phase'][] = ['progressing', 'awaiting_approval'];

export function isCheckDue(rollout: Rollout, now: number): boolean {
  return ANALYSED.includes(rollout.phase) && now >= rollout.nextCheckAt;
}

type Step = { rollout: Rollout; decision: DecideOutput['decision']; remind?: boolean };

/**
 * One tick of one rollout: given its state, policy, judge, what the cluster looks like, the latest metrics
 * and the time, return the next state, the decision taken (if any) and the actions that converge the cluster.
 */
export function decide(input: DecideInput): DecideOutput {
  const { rollout, view } = input;
  if (isTerminal(rollout.phase)) return { rollout, decision: null, actions: [] };
  if (view === null) return withActions(holdOnClusterError(input), null);
  const step = nextStep({ ...input, view });
  if (step.rollout.version !== rollout.version) return withActions(step, view, rollout.lastDecision?.rule);
  // Nothing decided. When the router shows other weights than last recorded, record them (a save without a
  // decision, once per change), so the stored rollout always says what the router held at the last tick;
  // otherwise nothing to save: hand back the caller's object, not a look-alike copy.
  const recorded = sameWeights(rollout.observedWeights, view.weights)
    ? rollout
    : touch(rollout, input.now, { observedWeights: { ...view.weights } });
  return withActions({ rollout: recorded, decision: null }, view, rollout.lastDecision?.rule);
}

function withActions(step: Step, view: ClusterView | null, previousRule?: string): DecideOutput {
  const actions: Action[] = view ? converge(step.rollout, view) : [];
  const rule = step.decision?.rule;
  // Holds stay quiet, except the start of a shared incident: people should know why nothing moves.
  const notable =
    (step.decision && !['hold', 'wait'].includes(step.decision.action)) ||
    (rule === SHARED_INCIDENT && previousRule !== SHARED_INCIDENT);
  if (notable) actions.push({ type: 'notify' });
  if (step.remind) actions.push({ type: 'remindApproval' });
  return { rollout: step.rollout, decision: step.decision, actions };
}

/** The cluster could not be read: hold, say why once, never roll back for it. */
function holdOnClusterError({ rollout, now, viewError }: DecideInput): Step {
  if (!viewError) return { rollout, decision: null };
  const rule = viewError.kind === 'configuration' ? 'configuration_error' : 'cluster_unavailable';
  if (rollout.lastDecision?.rule === rule && rollout.lastDecision.reason === viewError.message) {
    return { rollout, decision: null };
  }
  return transition(rollout, now, {}, { action: 'hold', rule, reason: viewError.message });
}

function nextStep(input: DecideInput & { view: ClusterView }): Step {
  const { rollout, view, now } = input;
  // A copy carrying what the router showed: the caller's rollout is never written to.
  const observed = sameWeights(rollout.observedWeights, view.weights)
    ? rollout
    : { ...rollout, observedWeights: { ...view.weights } };
  switch (rollout.phase) {
    case 'pending':
      return pending({ ...input, rollout: observed });
    case 'progressing':
      return progressing({ ...input, rollout: observed });
    case 'awaiting_approval':
      return withReminder(
        awaitingApproval({ ...input, rollout: observed }),
        input.policy,
        now,
        rollout.version,
      );
    case 'promoting':
      return promoting(observed, view, now);
    case 'rolling_back':
      return rollingBack(observed, view, now);
    default:
      return { rollout, decision: null };
  }
}

/** Still waiting after this tick and half the approval time gone: remind people, once. */
function withReminder(step: Step, policy: Policy, now: number, version: number): Step {
  const reminded = approvalReminderDue(step.rollout, policy, now);
  if (!reminded) return step;
  const rollout = reminded.version === version ? touch(reminded, now, {}) : reminded;
  return { ...step, rollout, remind: true };
}

function sameWeights(a: Rollout['observedWeights'], b: ClusterView['weights']): boolean {
  return a !== null && a.primary === b.primary && a.canary === b.canary;
}

function pending({ rollout, view, now, policy }: DecideInput & { view: ClusterView }): Step {
  const canary = view.canary;
  const imageReady = rollout.image === null || canary.image === rollout.image;
  if (canary.exists && canary.available && imageReady && canary.replicas > 0) {
    return enterStep(rollout, policy, 0, now, {
      action: 'advance',
      rule: 'canary_ready',
      reason: `canary ${canary.name} is available (${canary.availableReplicas}/${canary.replicas})`,
    });
  }
  const why = !canary.exists
    ? `canary Deployment ${canary.name} does not exist`
    : `canary ${canary.name} not available yet (${canary.availableReplicas}/${Math.max(canary.replicas, 1)} available${imageReady ? '' : ', image not updated'})`;
  return deadlineOrWait(rollout, policy, now, 'canary_not_ready', why);
}

/** Enter step `index` (asking for approval first when the policy gates every traffic increase). */
function enterStep(
  rollout: Rollout,
  policy: Policy,
  index: number,
  now: number,
  fields: DecisionFields,
): Step {
  const weights = stepWeightsOf(policy);
  if (policy.approval.beforeEachStep) {
    return requestApproval(rollout, policy, `step:${index}`, now, fields);
  }
  return transition(
    rollout,
    now,
    {
      phase: 'progressing',
      stepIndex: index,
      canaryWeight: weights[index] ?? 0,
      progressAt: now,
      nextCheckAt: now + policy.intervalSeconds * 1000,
      failedChecks: rollout.failedChecks,
    },
    fields,
  );
}

function requestApproval(
  rollout: Rollout,
  policy: Policy,
  gate: PendingApproval['gate'],
  now: number,
  fields: DecisionFields,
): Step {
  const approval: PendingApproval = {
    gate,
    revision: rollout.revision,
    requestedAt: now,
    expiresAt: now + policy.approval.timeoutSeconds * 1000,
  };
  const what =
    gate === 'promotion'
      ? 'promotion'
      : gate === 'evidence'
        ? 'a decision on inconclusive evidence (approve promotes, reject rolls back)'
        : `traffic increase to step ${gate.slice(5)}`;
  return transition(
    rollout,
    now,
    {
      phase: 'awaiting_approval',
      approval,
      progressAt: now,
      nextCheckAt: now + policy.intervalSeconds * 1000,
    },
    { ...fields, action: 'request_approval', reason: `${fields.reason}; approval requested for ${what}` },
  );
}

function deadlineOrWait(rollout: Rollout, policy: Policy, now: number, rule: string, reason: string): Step {
  const deadlineMs = policy.progressDeadlineSeconds * 1000;
  if (now - rollout.progressAt > deadlineMs) {
    return rollBack(rollout, now, {
      action: 'rollback',
      rule: 'progress_deadline',
      reason: `no progress for ${policy.progressDeadlineSeconds}s: ${reason}`,
    });
  }
  if (rollout.lastDecision?.rule === rule) return { rollout, decision: null };
  return transition(rollout, now, {}, { action: 'wait', rule, reason });
}

function rollBack(rollout: Rollout, now: number, fields: DecisionFields): Step {
  return transition(rollout, now, { phase: 'rolling_back', approval: null, reason: fields.reason }, fields);
}

function progressing(input: DecideInput & { view: ClusterView }): Step {
  const { rollout, policy, now, view } = input;
  if (!isCheckDue(rollout, now) || input.metrics === undefined) return { rollout, decision: null };
  const nextCheckAt = now + policy.intervalSeconds * 1000;
  const preconditions = analysisPreconditions(rollout, view, input.metrics, policy, now);
  if (preconditions) return preconditions;
  const metrics = input.metrics as MetricsWindow;
  const result = input.judge({
    window: metrics,
    policy,
    stepIndex: rollout.stepIndex,
    weight: rollout.canaryWeight,
    state: rollout.judgeState,
  });
  const evidence = { metrics, explanation: result.explanation };
  const base: Partial<Rollout> = { judgeState: result.state, nextCheckAt };
  const rule = ruleOf(result.explanation);
  if (result.verdict === 'fail' && result.rollback) {
    return rollBack({ ...rollout, ...base, failedChecks: rollout.failedChecks + 1 }, now, {
      action: 'rollback',
      rule,
      reason: result.explanation.summary,
      ...evidence,
    });
  }
  if (result.verdict === 'fail') {
    return transition(
      rollout,
      now,
      { ...base, failedChecks: rollout.failedChecks + 1 },
      {
        action: 'hold',
        rule,
        reason: `failed check ${rollout.failedChecks + 1}: ${result.explanation.summary}`,
        ...evidence,
      },
    );
  }
  if (result.verdict === 'inconclusive') {
    return inconclusive({ ...rollout, ...base }, policy, now, rule, result.explanation, metrics);
  }
  const fields: DecisionFields = { action: 'advance', rule, reason: result.explanation.summary, ...evidence };
  return passed({ ...rollout, ...base }, policy, now, fields);
}

/** The judge passed the step: next step, or promotion (asking first when the policy says so). */
function passed(rollout: Rollout, policy: Policy, now: number, fields: DecisionFields): Step {
  const weights = stepWeightsOf(policy);
  if (rollout.stepIndex + 1 < weights.length) {
    return enterStep({ ...rollout, approval: null }, policy, rollout.stepIndex + 1, now, fields);
  }
  if (policy.approval.beforePromotion) {
    return requestApproval(rollout, policy, 'promotion', now, fields);
  }
  return transition(
    rollout,
    now,
    { phase: 'promoting', approval: null, progressAt: now },
    { ...fields, action: 'promote', reason: `${fields.reason}; promoting` },
  );
}

/** Holds that come before judging: wrong or unconverged weights, unreadable metrics. */
function analysisPreconditions(
  rollout: Rollout,
  view: ClusterView,
  metrics: MetricsWindow | null | undefined,
  policy: Policy,
  now: number,
): Step | null {
  const nextCheckAt = now + policy.intervalSeconds * 1000;
  if (canaryNeedsPreparing(rollout, view)) {
    // Drift (scaled to zero, image changed): the converge step prepares the canary again in this visit; the
    // window just read measured something else, so judging waits for a fresh full window.
    const canary = view.canary;
    return holdOnce(
      rollout,
      now,
      { nextCheckAt },
      {
        action: 'hold',
        rule: 'canary_drifted',
        reason: `canary ${canary.name} runs ${canary.replicas} replicas of ${canary.image ?? 'no image'}, intended ${rollout.image ?? 'its image'}: preparing it again before judging`,
      },
    );
  }
  if (view.weights.canary !== rollout.canaryWeight) {
    // The router has not taken the weight yet (the converge step patches it): a fresh full window is needed.
    return holdOnce(
      rollout,
      now,
      { nextCheckAt },
      {
        action: 'hold',
        rule: 'weights_not_converged',
        reason: `router shows canary ${view.weights.canary}%, intended ${rollout.canaryWeight}%`,
      },
    );
  }
  if (metrics === null || metrics === undefined) {
    return holdOnce(
      rollout,
      now,
      { nextCheckAt },
      {
        action: 'hold',
        rule: 'metrics_unavailable',
        reason: 'the metric source could not be read; holding (not a failure)',
      },
    );
  }
  const share = checkTrafficShare(metrics, rollout.canaryWeight);
  if (!share.ok) {
    const reason =
      `${share.observedPercent?.toFixed(1)}% of ${share.requests} requests reached the canary, ` +
      `expected ${share.expectedPercent}% ±${share.tolerancePercent.toFixed(1)}: traffic is not split as configured ` +
      '(unmeshed clients, a ServiceProfile overriding the route, or a wrong backend); holding';
    const step = holdOnce(
      rollout,
      now,
      { nextCheckAt },
      { action: 'hold', rule: 'traffic_share_mismatch', reason, metrics },
    );
    return deadlineApplies(step, rollout, policy, now) ?? step;
  }
  return null;
}

function deadlineApplies(step: Step, rollout: Rollout, policy: Policy, now: number): Step | null {
  if (now - rollout.progressAt <= policy.progressDeadlineSeconds * 1000) return null;
  return rollBack(step.rollout, now, {
    action: 'rollback',
    rule: 'progress_deadline',
    reason: `no progress for ${policy.progressDeadlineSeconds}s: ${step.decision?.reason ?? rollout.lastDecision?.reason ?? ''}`,
  });
}

/** Record a hold decision only when its rule changes; otherwise just move the next check. */
function holdOnce(rollout: Rollout, now: number, patch: Partial<Rollout>, fields: DecisionFields): Step {
  if (rollout.lastDecision?.rule === fields.rule)
    return { rollout: touch(rollout, now, patch), decision: null };
  return transition(rollout, now, patch, fields);
}

/**
 * The decision's rule for a judge's explanation: `judge.<rule>`, except a shared incident, which is the core's
 * own hold rule (`shared_incident`): both sides breach a guard-rail alike, so it says nothing against the canary.
 */
function ruleOf(explanation: Explanation): string {
  return explanation.rule === SHARED_INCIDENT ? SHARED_INCIDENT : `judge.${explanation.rule}`;
}

/** The judge's rule for a window in which primary and canary breach a guard-rail alike. */
export const SHARED_INCIDENT = 'shared_incident';

function inconclusive(
  rollout: Rollout,
  policy: Policy,
  now: number,
  rule: string,
  explanation: Explanation,
  metrics: MetricsWindow,
): Step {
  const reason =
    rule === SHARED_INCIDENT
      ? `shared incident, holding: ${explanation.summary}`
      : `inconclusive: ${explanation.summary}`;
  const step = transition(rollout, now, {}, { action: 'hold', rule, reason, metrics, explanation });
  if (now - rollout.progressAt <= policy.progressDeadlineSeconds * 1000) return step;
  return deadlineWithoutEvidence(step.rollout, policy, now, explanation, metrics);
}

/**
 * The progress deadline passed and the evidence is still inconclusive: nothing shows the canary is worse, and not
 * enough shows it is as good. No automatic rollback for that by default: `onInconclusive` says ask a person
 * (gate `evidence`), roll back, or promote.
 */
function deadlineWithoutEvidence(
  rollout: Rollout,
  policy: Policy,
  now: number,
  explanation: Explanation,
  metrics: MetricsWindow,
): Step {
  const words = evidenceInPlainWords(rollout, policy, explanation);
  const evidence = { metrics, explanation };
  switch (policy.onInconclusive) {
    case 'rollback':
      return rollBack(rollout, now, {
        action: 'rollback',
        rule: 'progress_deadline',
        reason: `${words} Policy onInconclusive: rollback; rolling back.`,
        ...evidence,
      });
    case 'promote':
      return transition(
        rollout,
        now,
        { phase: 'promoting', approval: null, progressAt: now },
        {
          action: 'promote',
          rule: 'inconclusive_promote',
          reason: `${words} Policy onInconclusive: promote; promoting.`,
          ...evidence,
        },
      );
    case 'ask':
      return requestApproval(rollout, policy, 'evidence', now, {
        action: 'request_approval',
        rule: 'evidence_inconclusive',
        reason: `${words} Approve to promote it, or reject to roll it back.`,
        ...evidence,
      });
  }
}

/** What the evidence says so far, in words a person deciding can use (the statistics are in the explanation). */
export function evidenceInPlainWords(rollout: Rollout, policy: Policy, explanation: Explanation): string {
  const minutes = Math.round(policy.progressDeadlineSeconds / 60);
  const inputs = explanation.inputs;
  const requests = numberOf(inputs.rolloutCanaryRequests) ?? numberOf(inputs.canaryRequests);
  const failures = numberOf(inputs.rolloutCanaryFailures) ?? numberOf(inputs.canaryFailures);
  const served =
    requests === null
      ? ''
      : ` The canary has served ${Math.round(requests)} requests so far${
          failures === null
            ? ''
            : `, ${Math.round(failures)} of them failed (${((100 * failures) / Math.max(1, requests)).toFixed(2)}%)`
        }.`;
  return (
    `No decision after ${minutes} minutes at ${rollout.canaryWeight}%: the evidence is inconclusive. Nothing shows ` +
    `the canary is worse than the primary, and there is not yet enough traffic to show it is as good.${served} ` +
    `Last check: ${explanation.summary}.`
  );
}

const numberOf = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function awaitingApproval(input: DecideInput & { view: ClusterView }): Step {
  const { rollout, policy, now } = input;
  const approval = rollout.approval;
  if (approval?.gate === 'evidence' && now > approval.expiresAt) {
    // Nobody answered, and the evidence still says nothing against the canary: ask again rather than decide alone.
    return transition(
      rollout,
      now,
      { approval: { ...approval, expiresAt: now + policy.approval.timeoutSeconds * 1000 } },
      {
        action: 'request_approval',
        rule: 'evidence_reminder',
        reason: `still waiting for a person to promote or roll back ${rollout.revision} on inconclusive evidence`,
      },
    );
  }
  if (approval && now > approval.expiresAt) {
    return rollBack(rollout, now, {
      action: 'rollback',
      rule: 'approval_timeout',
      reason: `no approval within ${policy.approval.timeoutSeconds}s`,
    });
  }
  // Keep judging while people decide: a canary that turns bad while waiting is rolled back, not promoted.
  if (!isCheckDue(rollout, now) || !input.metrics || rollout.canaryWeight === 0)
    return { rollout, decision: null };
  if (input.view.weights.canary !== rollout.canaryWeight || canaryNeedsPreparing(rollout, input.view))
    return { rollout, decision: null };
  const result = input.judge({
    window: input.metrics,
    policy,
    stepIndex: rollout.stepIndex,
    weight: rollout.canaryWeight,
    state: rollout.judgeState,
  });
  const nextCheckAt = now + policy.intervalSeconds * 1000;
  if (result.verdict === 'fail' && result.rollback) {
    return rollBack({ ...rollout, judgeState: result.state, nextCheckAt }, now, {
      action: 'rollback',
      rule: `judge.${result.explanation.rule}`,
      reason: `${result.explanation.summary} (while awaiting approval)`,
      metrics: input.metrics,
      explanation: result.explanation,
    });
  }
  if (approval?.gate === 'evidence' && result.verdict === 'pass') {
    // The evidence a person was asked to weigh in for has arrived: carry on as if the deadline had not passed.
    return passed({ ...rollout, judgeState: result.state, nextCheckAt }, policy, now, {
      action: 'advance',
      rule: ruleOf(result.explanation),
      reason: `${result.explanation.summary} (the evidence became conclusive while awaiting a person)`,
      metrics: input.metrics,
      explanation: result.explanation,
    });
  }
  // Recorded like any judged window, so the history (and the timeline drawn from it) shows what the canary did
  // while people decided. A hold: it neither notifies nor changes the phase.
  return transition(
    rollout,
    now,
    { judgeState: result.state, nextCheckAt },
    {
      action: 'hold',
      rule: `judge.${result.explanation.rule}`,
      reason: `awaiting approval at ${rollout.canaryWeight}%: ${result.explanation.summary}`,
      metrics: input.metrics,
      explanation: result.explanation,
    },
  );
}

function promoting(rollout: Rollout, view: ClusterView, now: number): Step {
  const primaryUpdated =
    view.primary.podSpecHash !== null &&
    view.primary.podSpecHash === view.canary.podSpecHash &&
    view.primary.available;
  if (rollout.canaryWeight > 0) {
    if (!primaryUpdated) return { rollout, decision: null };
    return transition(
      rollout,
      now,
      { canaryWeight: 0, progressAt: now },
      {
        action: 'promote',
        rule: 'primary_available',
        reason: `primary ${view.primary.name} runs the canary's pod spec and is available; routing all traffic to it`,
      },
    );
  }
  if (view.weights.canary === 0 && view.canary.replicas === 0 && primaryUpdated) {
    return transition(
      rollout,
      now,
      { phase: 'succeeded', approval: null, reason: 'promoted' },
      {
        action: 'complete',
        rule: 'promoted',
        reason: `revision ${rollout.revision} promoted: primary serves 100%, canary scaled to zero`,
      },
    );
  }
  return { rollout, decision: null };
}

function rollingBack(rollout: Rollout, view: ClusterView, now: number): Step {
  if (view.weights.canary === 0 && view.canary.replicas === 0) {
    return transition(
      rollout,
      now,
      { phase: 'failed', canaryWeight: 0 },
      {
        action: 'complete',
        rule: 'rolled_back',
        reason: `rolled back: primary serves 100%, canary scaled to zero (${rollout.reason ?? 'no reason'})`,
      },
    );
  }
  return { rollout, decision: null };
}

import type { ActiveFreeze } from '../model/freeze.js';
import type { Rollout } from '../model/rollout.js';
import { describeFreezes } from './active-freezes.js';
import type { DecideInput, DecideOutput } from './contract.js';
import { converge } from './converge.js';
import { decide } from './decide.js';
import { transition } from './transition.js';

export interface FrozenDecideInput extends DecideInput {
  /** Freezes in force for the rollout's target now (`activeFreezes`); empty when none. */
  freezes: readonly ActiveFreeze[];
}

/** Phases a freeze holds; a promotion already under way finishes, and a rollback is never frozen. */
const HELD: readonly Rollout['phase'][] = ['pending', 'progressing', 'awaiting_approval'];

/**
 * `decide()` under freeze windows. While a freeze is in force (and no approver lifted it for this rollout): a
 * pending rollout stays pending with rule `freeze` and nothing in the cluster changes; a rollout in progress keeps
 * being judged and may roll back, but holds its weight (no step up, no promotion). The time spent frozen does not
 * count against the progress deadline, and the end of the freeze is recorded.
 */
export function decideUnderFreeze(input: FrozenDecideInput): DecideOutput {
  const { rollout, now, view } = input;
  const freezes = rollout.freezeOverride ? [] : input.freezes;
  if (freezes.length === 0 || !HELD.includes(rollout.phase)) {
    if (!rollout.freeze || !HELD.includes(rollout.phase)) return decide(input);
    const why = rollout.freezeOverride
      ? `freeze lifted by ${rollout.freezeOverride.actor}: ${rollout.freezeOverride.reason}`
      : `freeze ${rollout.freeze.names.join(', ')} ended`;
    // Restart the deadline and the analysis window: neither should count the frozen time.
    const step = transition(
      rollout,
      now,
      { freeze: null, progressAt: now, nextCheckAt: now },
      { action: 'resume', rule: 'freeze_ended', reason: why },
    );
    return { ...step, actions: [...(view ? converge(step.rollout, view) : []), { type: 'notify' }] };
  }
  const names = freezes.map((f) => f.name);
  const reason = `frozen: ${describeFreezes(freezes)}`;
  const recorded = rollout.freeze && sameNames(rollout.freeze.names, names);
  const hold = (base: Rollout): DecideOutput => {
    if (recorded) return { rollout: base, decision: null, actions: weightsOnly(base, input) };
    const step = transition(
      base,
      now,
      { freeze: { names, reason, since: rollout.freeze?.since ?? now } },
      { action: 'hold', rule: 'freeze', reason },
    );
    return { ...step, actions: [...weightsOnly(step.rollout, input), { type: 'notify' }] };
  };
  if (rollout.phase === 'pending') return hold(rollout);
  // Judged as usual, with the deadline counting from now: a freeze is a decision to wait, not a lack of progress.
  const out = decide({ ...input, rollout: { ...rollout, progressAt: now } });
  const next = out.rollout;
  if (next.phase === 'rolling_back' || next.phase === 'failed') return out;
  const stepsUp = next.canaryWeight > rollout.canaryWeight || next.phase === 'promoting';
  if (!stepsUp) {
    if (recorded || next.version !== rollout.version) return out;
    return hold(rollout);
  }
  // Keep what the judge learnt and when it looks next; drop the step.
  const kept: Rollout =
    next.version === rollout.version
      ? rollout
      : {
          ...rollout,
          judgeState: next.judgeState,
          nextCheckAt: next.nextCheckAt,
          observedWeights: next.observedWeights,
          version: next.version,
          updatedAt: now,
          progressAt: now,
        };
  if (!recorded) return hold(kept === rollout ? rollout : { ...kept, version: rollout.version });
  return { rollout: kept, decision: null, actions: weightsOnly(kept, input) };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/** Only keep the router on the intended weight: no canary preparation, promotion or scaling while frozen. */
function weightsOnly(rollout: Rollout, input: DecideInput): DecideOutput['actions'] {
  return input.view ? converge(rollout, input.view).filter((a) => a.type === 'setWeights') : [];
}

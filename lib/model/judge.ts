import type { Explanation } from './explanation.js';
import type { MetricsWindow } from './observation.js';
import type { Policy } from './policy.js';

/** Judge memory carried between windows (stored with the rollout): plain JSON. */
export type JudgeState = Record<string, unknown>;

export interface JudgeInput {
  window: MetricsWindow;
  policy: Policy;
  /** Index into the policy's step weights of the step being judged. */
  stepIndex: number;
  /** Canary weight (percent) during the window. */
  weight: number;
  /** What this judge returned as `state` last time for this rollout; undefined on the first window. */
  state: JudgeState | undefined;
}

/**
 * - `pass`: this step has enough evidence that the canary is healthy: advance.
 * - `fail`: evidence (or a guard-rail) says the canary is bad. `rollback` says whether to roll back now
 *   (Flagger/Argo count failures up to a limit; Aviary's judge rolls back on its first `fail`).
 * - `inconclusive`: not enough evidence yet: hold the weight. Never counted as a failure by Aviary's judge.
 */
export interface JudgeResult {
  verdict: 'pass' | 'fail' | 'inconclusive';
  rollback: boolean;
  explanation: Explanation;
  state: JudgeState;
}

export type Judge = (input: JudgeInput) => JudgeResult;

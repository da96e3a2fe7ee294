import type { Action } from '../model/action.js';
import type { Judge } from '../model/judge.js';
import type { ClusterView, MetricsWindow } from '../model/observation.js';
import type { Policy } from '../model/policy.js';
import type { Decision, Rollout } from '../model/rollout.js';

export interface DecideInput {
  rollout: Rollout;
  policy: Policy;
  judge: Judge;
  now: number;
  /** What the tick read from the cluster; null when the cluster could not be read (the rollout holds). */
  view: ClusterView | null;
  /**
   * The analysis window: read by the engine only when `isCheckDue(rollout, now)`; `undefined` when not read,
   * `null` when the metric source could not be reached.
   */
  metrics?: MetricsWindow | null;
  /**
   * Why the cluster could not be read (`view` is null): `unavailable` (timeouts, 5xx) or `configuration`
   * (another controller owns the route, both a TrafficSplit and an HTTPRoute exist...). Either way the
   * rollout holds; it is never rolled back because a cluster API failed.
   */
  viewError?: { kind: 'unavailable' | 'configuration'; message: string };
}

export interface DecideOutput {
  /** The next state; `version` is bumped only when something changed (then it must be saved). */
  rollout: Rollout;
  decision: Decision | null;
  /** Cluster actions that converge the cluster on the (new) intent, and `notify` when people should know. */
  actions: Action[];
}

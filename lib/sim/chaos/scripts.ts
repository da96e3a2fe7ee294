import type { Phase, Rollout } from '../../model/rollout.js';
import { SEED_IMAGE } from '../cluster/target-objects.js';
import type { ChaosPolicy } from './chaos-config.js';

/** What a script asks for before a tick: a deployment, or an operator's slash command. */
export type ChaosRequest =
  | { kind: 'deploy'; revision: string; image: string }
  | { kind: 'slash'; verb: 'approve' | 'pause' | 'resume' | 'abort'; ref: string };

/** A target's rollouts as last observed, newest first, and what the script noted. */
export interface ScriptView {
  rollouts: Rollout[];
  seen: Set<string>;
}

/**
 * A rollout lifecycle driven the way CI and people drive one: by what they see, not by counting ticks, so a
 * request lost to a crash or a fault is simply sent again at the next round (with the same delivery id).
 */
export interface ChaosScript {
  name: string;
  policy: ChaosPolicy;
  next(view: ScriptView): ChaosRequest | null;
  /** Final phases by revision, and the image the primary must run at the end. */
  expected: { phases: Record<string, Phase>; primaryImage: string };
}

const IMAGE = 'example/app:2';
const byRevision = (view: ScriptView, revision: string) => view.rollouts.find((r) => r.revision === revision);

const deployOnce =
  (revision: string, image: string) =>
  (view: ScriptView): ChaosRequest | null =>
    byRevision(view, revision) ? null : { kind: 'deploy', revision, image };

export const SCRIPTS: Record<string, ChaosScript> = {
  promoted: {
    name: 'healthy, promoted',
    policy: 'auto',
    next: deployOnce('r2', IMAGE),
    expected: { phases: { r2: 'succeeded' }, primaryImage: IMAGE },
  },
  approved: {
    name: 'healthy, approved, promoted',
    policy: 'gated',
    next: (view) => {
      const r = byRevision(view, 'r2');
      if (!r) return { kind: 'deploy', revision: 'r2', image: IMAGE };
      return r.phase === 'awaiting_approval' ? { kind: 'slash', verb: 'approve', ref: r.id } : null;
    },
    expected: { phases: { r2: 'succeeded' }, primaryImage: IMAGE },
  },
  faulty: {
    name: 'faulty, rolled back',
    policy: 'auto',
    next: deployOnce('r2', `${IMAGE}-faulty`),
    expected: { phases: { r2: 'failed' }, primaryImage: SEED_IMAGE },
  },
  paused: {
    name: 'paused, resumed, promoted',
    policy: 'auto',
    next: (view) => {
      const r = byRevision(view, 'r2');
      if (!r) return { kind: 'deploy', revision: 'r2', image: IMAGE };
      if (r.phase === 'paused') {
        view.seen.add('paused');
        return { kind: 'slash', verb: 'resume', ref: r.id };
      }
      if (r.phase === 'progressing' && !view.seen.has('paused'))
        return { kind: 'slash', verb: 'pause', ref: r.id };
      return null;
    },
    expected: { phases: { r2: 'succeeded' }, primaryImage: IMAGE },
  },
  aborted: {
    name: 'healthy, aborted',
    policy: 'auto',
    next: (view) => {
      const r = byRevision(view, 'r2');
      if (!r) return { kind: 'deploy', revision: 'r2', image: IMAGE };
      return r.phase === 'progressing' ? { kind: 'slash', verb: 'abort', ref: r.id } : null;
    },
    expected: { phases: { r2: 'failed' }, primaryImage: SEED_IMAGE },
  },
  superseded: {
    name: 'superseded by a newer revision',
    policy: 'auto',
    next: (view) => {
      const r2 = byRevision(view, 'r2');
      if (!r2) return { kind: 'deploy', revision: 'r2', image: IMAGE };
      if (!byRevision(view, 'r3') && r2.phase === 'progressing')
        return { kind: 'deploy', revision: 'r3', image: 'example/app:3' };
      return null;
    },
    expected: { phases: { r2: 'superseded', r3: 'succeeded' }, primaryImage: 'example/app:3' },
  },
};

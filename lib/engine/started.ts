import type { StartResult } from './engine.js';

/** What a deploy answer says about what it started: a rollout, or a fleet rollout (`target` is the fleet). */
export interface Started {
  id: string;
  target: string;
  revision: string;
  phase: string;
  kind: 'rollout' | 'fleet';
}

export function started(result: Extract<StartResult, { ok: true }>): Started {
  if (result.fleet) {
    const { id, fleet, revision, phase } = result.fleet;
    return { id, target: fleet, revision, phase, kind: 'fleet' };
  }
  const { id, target, revision, phase } = result.rollout;
  return { id, target, revision, phase, kind: 'rollout' };
}

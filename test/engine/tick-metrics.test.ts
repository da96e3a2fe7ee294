import { describe, expect, it } from 'vitest';
import type { TickSummary } from '../../lib/engine/engine.js';
import { tickMetrics } from '../../lib/engine/tick-metrics.js';

describe('tickMetrics', () => {
  it('counts actions, errors and clusters that could not be worked on', () => {
    const summary: TickSummary = {
      at: 0,
      rollouts: [
        { id: 'a-1', phase: 'progressing', action: 'advance' },
        { id: 'b-1', phase: 'progressing', action: 'hold' },
        { id: 'c-1', phase: 'progressing', action: 'wait' },
        { id: 'd-1', phase: 'rolling_back', action: 'rollback' },
        { id: 'e-1', phase: 'awaiting_approval', action: 'request_approval' },
        { id: 'f-1', phase: 'progressing', action: 'none', error: 'HTTP 503' },
        { id: 'g-1', phase: 'promoting', action: 'promote' },
      ],
      clusters: [
        { name: 'a', ok: true, ms: 10 },
        { name: 'b', ok: false, ms: 20_000, error: 'timed out' },
      ],
    };
    expect(tickMetrics(summary)).toEqual({
      ActiveRollouts: 7,
      Advances: 1,
      Holds: 2,
      ApprovalsRequested: 1,
      Promotions: 1,
      Rollbacks: 1,
      RolloutErrors: 1,
      ClustersUnreachable: 1,
    });
  });

  it('is all zeros for a tick with nothing to do', () => {
    const zeros = tickMetrics({ at: 0, rollouts: [], clusters: [] });
    expect(Object.values(zeros).every((v) => v === 0)).toBe(true);
    expect(Object.keys(zeros)).toHaveLength(8);
  });
});

import { z } from 'zod';
import { type Decision, DecisionSchema, isTerminal, type Rollout, RolloutSchema } from '../model/rollout.js';
import type { TargetHead } from './rollout-store.js';
import { INDEXES, TTL_ATTRIBUTE } from './table-definition.js';
import {
  ACTIVE_PARTITION,
  CREATED_PARTITION,
  createdSortKey,
  decisionKey,
  deliveryKey,
  headKey,
  rolloutKey,
  targetPartition,
} from './table-keys.js';

/** How long decision history is kept after the decision was made. */
export const DECISION_RETENTION_DAYS = 400;

export type Item = Record<string, unknown>;

/**
 * Index attributes a rollout item has only while it is not terminal: dropping them takes it out of the sparse
 * `active` index, so the tick never reads finished rollouts. A finished rollout whose last transition is not
 * published yet (`publishPending`) stays, due at once, until the tick has published it.
 */
export function activeAttributes(rollout: Rollout): Item | null {
  if (isTerminal(rollout.phase)) {
    if (!rollout.publishPending) return null;
    return { [INDEXES.active.partition]: ACTIVE_PARTITION, [INDEXES.active.sort]: rollout.updatedAt };
  }
  return { [INDEXES.active.partition]: ACTIVE_PARTITION, [INDEXES.active.sort]: rollout.nextCheckAt };
}

/** `seq` is the rollout's number within its target (the head's `seq` when it was created); it never changes. */
export function rolloutItem(rollout: Rollout, seq: number): Item {
  return {
    ...rolloutKey(rollout.id),
    ...rollout,
    seq,
    [INDEXES.byTarget.partition]: targetPartition(rollout.target),
    [INDEXES.byTarget.sort]: seq,
    [INDEXES.byCreated.partition]: CREATED_PARTITION,
    [INDEXES.byCreated.sort]: createdSortKey(rollout.createdAt, rollout.target, seq),
    ...activeAttributes(rollout),
  };
}

export function rolloutFromItem(item: Item): Rollout {
  const parsed = RolloutSchema.safeParse(item);
  if (!parsed.success) throw storedItemError('rollout', item, parsed.error);
  return parsed.data;
}

const TargetHeadSchema = z.object({
  target: z.string(),
  activeRolloutId: z.string().nullable(),
  latestRolloutId: z.string().nullable(),
  latestRevision: z.string().nullable(),
  seq: z.number().int().min(0),
  version: z.number().int().min(1),
  latestAnnouncedAt: z.number().optional(),
}) satisfies z.ZodType<TargetHead>;

export function headItem(head: TargetHead): Item {
  return { ...headKey(head.target), ...TargetHeadSchema.parse(head) };
}

export function headFromItem(item: Item): TargetHead {
  const parsed = TargetHeadSchema.safeParse(item);
  if (!parsed.success) throw storedItemError('target head', item, parsed.error);
  return parsed.data;
}

export function decisionItem(rolloutId: string, decision: Decision, version: number, index: number): Item {
  const expiresAt = Math.floor(decision.at / 1000) + DECISION_RETENTION_DAYS * 86_400;
  return {
    ...decisionKey(rolloutId, decision.at, version, index),
    rolloutId,
    ...decision,
    [TTL_ATTRIBUTE]: expiresAt,
  };
}

export function decisionFromItem(item: Item): Decision {
  const parsed = DecisionSchema.safeParse(item);
  if (!parsed.success) throw storedItemError('decision', item, parsed.error);
  return parsed.data;
}

function storedItemError(what: string, item: Item, error: z.ZodError): Error {
  const where = `${String(item.pk)} / ${String(item.sk)}`;
  const problems = error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ');
  return new Error(`stored ${what} ${where} does not match the schema: ${problems}`);
}

/** How long a delivery id is remembered: longer than any webhook sender retries or replays it. */
export const DELIVERY_RETENTION_DAYS = 30;

export function deliveryItem(delivery: string, rolloutId: string, at: number): Item {
  return {
    ...deliveryKey(delivery),
    rolloutId,
    at,
    [TTL_ATTRIBUTE]: Math.floor(at / 1000) + DELIVERY_RETENTION_DAYS * 86_400,
  };
}

export function deliveryRolloutId(item: Item): string {
  const parsed = z.object({ rolloutId: z.string().min(1) }).safeParse(item);
  if (!parsed.success) throw storedItemError('delivery', item, parsed.error);
  return parsed.data.rolloutId;
}

/** Key values of the single-table layout; see table-definition.ts for the attributes they go in. */

export const ROLLOUT_PREFIX = 'ROLLOUT#';
export const TARGET_PREFIX = 'TARGET#';
export const DECISION_PREFIX = 'DECISION#';
export const DELIVERY_PREFIX = 'DELIVERY#';
export const REQUEST_PREFIX = 'REQUEST#';
export const STATE_SK = 'STATE';
export const HEAD_SK = 'HEAD';
export const DELIVERY_SK = 'DELIVERY';
export const REQUEST_SK = 'REQUEST';
/** The one partition of the sparse `active` index. */
export const ACTIVE_PARTITION = 'ACTIVE';
/** The one partition of the `byCreated` index. */
export const CREATED_PARTITION = 'ROLLOUT';

export interface ItemKey {
  pk: string;
  sk: string;
}

export const rolloutKey = (id: string): ItemKey => ({ pk: `${ROLLOUT_PREFIX}${id}`, sk: STATE_SK });
export const headKey = (target: string): ItemKey => ({ pk: `${TARGET_PREFIX}${target}`, sk: HEAD_SK });
/** A delivery already acted on, e.g. `github:<X-GitHub-Delivery>`: a replay finds the rollout it started. */
export const deliveryKey = (delivery: string): ItemKey => ({
  pk: `${DELIVERY_PREFIX}${delivery}`,
  sk: DELIVERY_SK,
});

/** A signed request accepted within its window (`<route>:<digest of timestamp and signature>`). */
export const requestKey = (key: string): ItemKey => ({ pk: `${REQUEST_PREFIX}${key}`, sk: REQUEST_SK });

/**
 * The newest GitHub deployment id seen for a target and environment. GitHub signs the deployment id but no
 * time, so this is what keeps a captured delivery from rolling an old revision out again.
 */
export const githubNewestKey = (target: string, environment: string): ItemKey => ({
  pk: `GITHUB#${target}#${environment}`,
  sk: 'NEWEST',
});

/** Zero-padded so that string order is numeric order (sort keys are compared as strings). */
export function padded(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`a key number must be a non-negative integer, got ${value}`);
  }
  const text = String(value);
  if (text.length > width) throw new RangeError(`${value} does not fit in ${width} digits`);
  return text.padStart(width, '0');
}

/** Milliseconds since the epoch fit 15 digits until the year 33658. */
const TIME_WIDTH = 15;
const VERSION_WIDTH = 10;
const INDEX_WIDTH = 3;

/**
 * `DECISION#<at>#<version>-<index>`: oldest first by sort key. `version` is the rollout version the decision
 * was written with, and `index` its position within that write, so two decisions at the same millisecond
 * keep their order and never collide.
 */
export function decisionKey(rolloutId: string, at: number, version: number, index: number): ItemKey {
  const time = padded(Math.floor(at), TIME_WIDTH);
  return {
    pk: `${ROLLOUT_PREFIX}${rolloutId}`,
    sk: `${DECISION_PREFIX}${time}#${padded(version, VERSION_WIDTH)}-${padded(index, INDEX_WIDTH)}`,
  };
}

export const targetPartition = (target: string): string => `${TARGET_PREFIX}${target}`;

/** `byCreated` sort key: creation time, then target and sequence so rollouts of one millisecond stay ordered. */
export const createdSortKey = (createdAt: number, target: string, seq: number): string =>
  `${padded(Math.floor(createdAt), TIME_WIDTH)}#${target}#${padded(seq, VERSION_WIDTH)}`;

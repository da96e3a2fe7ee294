import type { Rollout } from '../model/rollout.js';
import { RolloutSchema } from '../model/rollout.js';
import { activeAttributes } from './item-codec.js';
import { INDEXES } from './table-definition.js';
import { rolloutKey } from './table-keys.js';

export interface UpdateParams {
  Key: { pk: string; sk: string };
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

const ROLLOUT_FIELDS = Object.keys(RolloutSchema.shape) as (keyof Rollout)[];

/**
 * Rewrites every rollout field, conditional on the stored version being the previous one. An update rather
 * than a put keeps the attributes fixed at creation (`seq` and the `byTarget`/`byCreated` keys). Every name
 * goes through a placeholder: `version`, `source`, `target`, `phase`... are DynamoDB reserved words.
 */
export function rolloutUpdate(rollout: Rollout): UpdateParams {
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':expected': rollout.version - 1 };
  const set: string[] = [];
  const remove: string[] = [];
  const assign = (field: string, value: unknown) => {
    const n = `#f${Object.keys(names).length}`;
    names[n] = field;
    if (value === undefined) {
      remove.push(n);
    } else {
      const v = `:v${set.length}`;
      values[v] = value;
      set.push(`${n} = ${v}`);
    }
  };
  for (const field of ROLLOUT_FIELDS) assign(field, rollout[field]);
  const active = activeAttributes(rollout);
  assign(INDEXES.active.partition, active?.[INDEXES.active.partition]);
  assign(INDEXES.active.sort, active?.[INDEXES.active.sort]);
  return {
    Key: rolloutKey(rollout.id),
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

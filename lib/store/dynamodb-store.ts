import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Decision, isTerminal, type Rollout, RolloutSchema, TERMINAL_PHASES } from '../model/rollout.js';
import {
  decisionFromItem,
  decisionItem,
  deliveryItem,
  deliveryRolloutId,
  headFromItem,
  headItem,
  type Item,
  rolloutFromItem,
  rolloutItem,
} from './item-codec.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { queryItems } from './query-pages.js';
import type { RolloutQuery, RolloutStore, TargetHead } from './rollout-store.js';
import { rolloutUpdate } from './rollout-update.js';
import { INDEXES } from './table-definition.js';
import {
  ACTIVE_PARTITION,
  CREATED_PARTITION,
  DECISION_PREFIX,
  deliveryKey,
  githubNewestKey,
  headKey,
  ROLLOUT_PREFIX,
  rolloutKey,
  targetPartition,
} from './table-keys.js';
import { asConflict } from './write-conflict.js';

export interface DynamoDbRolloutStoreOptions {
  /** Create it with `marshallOptions: { removeUndefinedValues: true }`: optional fields are left undefined. */
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** Page size when none is asked for. */
const DEFAULT_PAGE = 20;
/** Items read per request when a filter (phase, active) may drop most of them. */
const FILTERED_READ = 100;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * RolloutStore on one DynamoDB table (layout in table-definition.ts and table-keys.ts). Reads of single items
 * are strongly consistent; lists come from indexes (eventually consistent), which is safe because every write
 * is conditional on the version it was based on.
 */
export class DynamoDbRolloutStore implements RolloutStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbRolloutStoreOptions) {
    if (!options.tableName) throw new Error('DynamoDbRolloutStore: tableName is required');
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async getRollout(id: string): Promise<Rollout | null> {
    const item = await this.getItem(rolloutKey(id));
    return item ? rolloutFromItem(item) : null;
  }

  async getHead(target: string): Promise<TargetHead | null> {
    const item = await this.getItem(headKey(target));
    return item ? headFromItem(item) : null;
  }

  async findDelivery(delivery: string): Promise<string | null> {
    const item = await this.getItem(deliveryKey(delivery));
    return item ? deliveryRolloutId(item) : null;
  }

  async createRollout(input: {
    rollout: Rollout;
    head: TargetHead | null;
    superseded?: Rollout;
    decisions: Decision[];
    delivery?: string;
    announcedAt?: number;
  }): Promise<void> {
    const rollout = validRollout(input.rollout, 'rollout');
    const { head } = input;
    const superseded = input.superseded ? validRollout(input.superseded, 'superseded rollout') : undefined;
    checkCreate(rollout, head, superseded);
    const seq = (head?.seq ?? 0) + 1;
    const nextHead: TargetHead = {
      target: rollout.target,
      activeRolloutId: isTerminal(rollout.phase) ? null : rollout.id,
      latestRolloutId: rollout.id,
      latestRevision: rollout.revision,
      seq,
      version: (head?.version ?? 0) + 1,
      ...newestAnnouncement(head?.latestAnnouncedAt, input.announcedAt),
    };
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: rolloutItem(rollout, seq),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: headItem(nextHead),
          ...(head
            ? {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': head.version },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
    ];
    if (superseded) items.push({ Update: { TableName: this.tableName, ...rolloutUpdate(superseded) } });
    if (input.delivery) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: deliveryItem(input.delivery, rollout.id, rollout.createdAt),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    items.push(...this.decisionPuts(rollout, superseded, input.decisions));
    await this.transact(items, `create ${rollout.id}`);
  }

  async saveRollout(rollout: Rollout, decision?: Decision): Promise<void> {
    const valid = validRollout(rollout, 'rollout');
    const update = { TableName: this.tableName, ...rolloutUpdate(valid) };
    const items: TransactItem[] = [{ Update: update }];
    if (decision) items.push(this.decisionPut(valid.id, decision, valid.version, 0));
    if (isTerminal(valid.phase)) {
      // Only the head that still points here is cleared: a rollout saved again after it ended (its Slack
      // reference, say) or one a newer rollout already replaced leaves the head alone. Once the head points
      // elsewhere it never points back, so reading it first is race-free; the condition covers the rest.
      const head = await this.getHead(valid.target);
      if (head?.activeRolloutId === valid.id) {
        items.push({
          Update: {
            TableName: this.tableName,
            Key: headKey(valid.target),
            UpdateExpression: 'SET activeRolloutId = :none, #version = #version + :one',
            ConditionExpression: 'activeRolloutId = :id',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':none': null, ':one': 1, ':id': valid.id },
          },
        });
      }
    }
    if (items.length === 1) {
      // A lone conditional update costs half a transaction and is just as atomic.
      try {
        await this.client.send(new UpdateCommand(update));
      } catch (e) {
        throw asConflict(e, `save ${valid.id} v${valid.version}`);
      }
      return;
    }
    await this.transact(items, `save ${valid.id} v${valid.version}`);
  }

  async claimGithubDeployment(
    target: string,
    environment: string,
    deploymentId: number,
  ): Promise<{ ok: true } | { ok: false; newest: number }> {
    if (!Number.isSafeInteger(deploymentId) || deploymentId < 1)
      throw new RangeError(`a GitHub deployment id must be a positive integer, got ${deploymentId}`);
    const key = githubNewestKey(target, environment);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET newest = :id',
          ConditionExpression: 'attribute_not_exists(newest) OR newest <= :id',
          ExpressionAttributeValues: { ':id': deploymentId },
        }),
      );
      return { ok: true };
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
      const item = await this.getItem(key);
      return { ok: false, newest: Number(item?.newest ?? deploymentId) };
    }
  }

  async markPublished(rollout: Rollout): Promise<boolean> {
    const names: Record<string, string> = { '#version': 'version', '#pending': 'publishPending' };
    const remove = ['#pending'];
    if (isTerminal(rollout.phase)) {
      names['#activeP'] = INDEXES.active.partition;
      names['#activeS'] = INDEXES.active.sort;
      remove.push('#activeP', '#activeS');
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rolloutKey(rollout.id),
          UpdateExpression: `REMOVE ${remove.join(', ')}`,
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':version': rollout.version },
        }),
      );
      return true;
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async listActive(): Promise<Rollout[]> {
    const index = INDEXES.active;
    const items = await queryItems(this.client, {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': index.partition },
      ExpressionAttributeValues: { ':p': ACTIVE_PARTITION },
    });
    return items.map(rolloutFromItem);
  }

  async listDue(now: number): Promise<Rollout[]> {
    const index = INDEXES.active;
    const items = await queryItems(this.client, {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: '#p = :p AND #s <= :now',
      ExpressionAttributeNames: { '#p': index.partition, '#s': index.sort },
      ExpressionAttributeValues: { ':p': ACTIVE_PARTITION, ':now': now },
    });
    return items.map(rolloutFromItem);
  }

  async listRollouts(options: { target?: string; limit?: number } = {}): Promise<Rollout[]> {
    const limit = validLimit(options.limit);
    const index = options.target === undefined ? INDEXES.byCreated : INDEXES.byTarget;
    const partition = options.target === undefined ? CREATED_PARTITION : targetPartition(options.target);
    const items = await queryItems(
      this.client,
      {
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': index.partition },
        ExpressionAttributeValues: { ':p': partition },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(rolloutFromItem);
  }

  async pageRollouts(options: RolloutQuery): Promise<{ rollouts: Rollout[]; cursor: string | null }> {
    const limit = validLimit(options.limit) ?? DEFAULT_PAGE;
    const index = options.target === undefined ? INDEXES.byCreated : INDEXES.byTarget;
    const partition = options.target === undefined ? CREATED_PARTITION : targetPartition(options.target);
    const keyNames = ['pk', 'sk', index.partition, index.sort];
    let startKey: Record<string, unknown> | undefined = options.cursor
      ? decodeCursor(options.cursor, keyNames)
      : undefined;
    const names: Record<string, string> = { '#p': index.partition };
    const values: Record<string, unknown> = { ':p': partition };
    const filters: string[] = [];
    if (options.phase !== undefined) {
      names['#phase'] = 'phase';
      values[':phase'] = options.phase;
      filters.push('#phase = :phase');
    }
    if (options.active) {
      names['#active'] = INDEXES.active.partition;
      // A finished rollout waiting to be published is in the index, but not active.
      names['#activePhase'] = 'phase';
      const terminal = TERMINAL_PHASES.map((phase, i) => {
        values[`:terminal${i}`] = phase;
        return `:terminal${i}`;
      });
      filters.push(`attribute_exists(#active) AND NOT (#activePhase IN (${terminal.join(', ')}))`);
    }
    const items: Item[] = [];
    let more = false;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#p = :p',
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          // A filter is applied after `Limit` items are read: read a fuller page so few round trips do.
          Limit: filters.length > 0 ? Math.max(limit, FILTERED_READ) : limit - items.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const found = (page.Items ?? []) as Item[];
      const room = limit - items.length;
      items.push(...found.slice(0, room));
      startKey = page.LastEvaluatedKey;
      more = found.length > room || startKey !== undefined;
    } while (startKey && items.length < limit);
    const last = items.at(-1);
    const cursor =
      more && items.length === limit && last
        ? encodeCursor(Object.fromEntries(keyNames.map((k) => [k, last[k] as string | number])))
        : null;
    return { rollouts: items.map(rolloutFromItem), cursor };
  }

  /** Oldest first; with `limit`, the `limit` most recent decisions (still oldest first). */
  async listDecisions(rolloutId: string, options: { limit?: number } = {}): Promise<Decision[]> {
    const limit = validLimit(options.limit);
    const items = await queryItems(
      this.client,
      {
        TableName: this.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `${ROLLOUT_PREFIX}${rolloutId}`, ':prefix': DECISION_PREFIX },
        ScanIndexForward: limit === undefined,
      },
      limit,
    );
    const decisions = items.map(decisionFromItem);
    return limit === undefined ? decisions : decisions.reverse();
  }

  private async getItem(key: { pk: string; sk: string }): Promise<Item | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return (out.Item as Item | undefined) ?? null;
  }

  /**
   * A `supersede` decision belongs to the superseded rollout's history (it is that rollout's last word);
   * every other decision to the new rollout's.
   */
  private decisionPuts(
    rollout: Rollout,
    superseded: Rollout | undefined,
    decisions: Decision[],
  ): TransactItem[] {
    const counts = new Map<string, number>();
    return decisions.map((decision) => {
      const owner = superseded && decision.action === 'supersede' ? superseded : rollout;
      const index = counts.get(owner.id) ?? 0;
      counts.set(owner.id, index + 1);
      return this.decisionPut(owner.id, decision, owner.version, index);
    });
  }

  private decisionPut(rolloutId: string, decision: Decision, version: number, index: number): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: decisionItem(rolloutId, decision, version, index),
        // History is append-only.
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private async transact(items: TransactItem[], what: string): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      throw asConflict(e, what);
    }
  }
}

function validRollout(rollout: Rollout, what: string): Rollout {
  const parsed = RolloutSchema.safeParse(rollout);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((i) => `${i.path.join('.') || '(rollout)'}: ${i.message}`)
    .join('; ');
  throw new Error(`${what} ${String(rollout?.id)} is not a valid rollout: ${problems}`);
}

function newestAnnouncement(
  previous: number | undefined,
  announcedAt: number | undefined,
): { latestAnnouncedAt?: number } {
  const times = [previous, announcedAt].filter((t): t is number => t !== undefined);
  return times.length > 0 ? { latestAnnouncedAt: Math.max(...times) } : {};
}

function validLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return limit;
}

/** Mistakes of the caller, not races: a retry would make them again, so they are plain errors. */
function checkCreate(rollout: Rollout, head: TargetHead | null, superseded: Rollout | undefined): void {
  if (head && head.target !== rollout.target) {
    throw new Error(`head of target ${head.target} given for a rollout of target ${rollout.target}`);
  }
  const active = head?.activeRolloutId ?? null;
  if (active !== null && superseded?.id !== active) {
    throw new Error(
      `target ${rollout.target} has active rollout ${active}: pass it as superseded to replace it (one active rollout per target)`,
    );
  }
  if (superseded) {
    if (active === null)
      throw new Error(`superseded rollout ${superseded.id} is not the active rollout of ${rollout.target}`);
    if (!isTerminal(superseded.phase)) {
      throw new Error(
        `superseded rollout ${superseded.id} must be in a terminal phase, not ${superseded.phase}`,
      );
    }
  }
}

import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  type FleetDecision,
  FleetDecisionSchema,
  type FleetRollout,
  FleetRolloutSchema,
  isFleetTerminal,
} from '../model/fleet-rollout.js';
import type { FleetHead, FleetStore } from './fleet-store.js';
import { DECISION_RETENTION_DAYS, DELIVERY_RETENTION_DAYS, type Item } from './item-codec.js';
import { queryItems } from './query-pages.js';
import { INDEXES, TTL_ATTRIBUTE } from './table-definition.js';
import { createdSortKey, DECISION_PREFIX, deliveryKey, padded, STATE_SK } from './table-keys.js';
import { asConflict } from './write-conflict.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Key values of fleet items; partitions of the shared indexes are distinct from the rollouts' ones. */
const FLEET_ROLLOUT_PREFIX = 'FLEETROLLOUT#';
const FLEET_PREFIX = 'FLEET#';
const HEAD_SK = 'HEAD';
const ACTIVE_FLEETS = 'ACTIVE_FLEET';
const CREATED_FLEETS = 'FLEET';

const fleetRolloutKey = (id: string) => ({ pk: `${FLEET_ROLLOUT_PREFIX}${id}`, sk: STATE_SK });
const fleetHeadKey = (fleet: string) => ({ pk: `${FLEET_PREFIX}${fleet}`, sk: HEAD_SK });
/** Fleet deliveries live beside the rollouts' ones under their own prefix, so the two never meet. */
const fleetDeliveryKey = (delivery: string) => deliveryKey(`fleet/${delivery}`);

const FleetHeadSchema = z.object({
  fleet: z.string(),
  activeRolloutId: z.string().nullable(),
  latestRolloutId: z.string().nullable(),
  latestRevision: z.string().nullable(),
  seq: z.number().int().min(0),
  version: z.number().int().min(1),
}) satisfies z.ZodType<FleetHead>;

/**
 * The whole item: fleet rollouts are written with a conditional put (every attribute derives from the state),
 * in the same sparse `active` index as rollouts but in a partition of their own, so the rollout tick never
 * reads them.
 */
function fleetItem(fleet: FleetRollout): Item {
  return {
    ...fleetRolloutKey(fleet.id),
    ...fleet,
    [INDEXES.byTarget.partition]: `${FLEET_PREFIX}${fleet.fleet}`,
    [INDEXES.byTarget.sort]: fleet.createdAt,
    [INDEXES.byCreated.partition]: CREATED_FLEETS,
    [INDEXES.byCreated.sort]: createdSortKey(fleet.createdAt, fleet.fleet, 0),
    ...(isFleetTerminal(fleet.phase)
      ? {}
      : { [INDEXES.active.partition]: ACTIVE_FLEETS, [INDEXES.active.sort]: fleet.updatedAt }),
  };
}

function parsed<T>(schema: z.ZodType<T>, item: Item, what: string): T {
  const result = schema.safeParse(item);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ');
  throw new Error(
    `stored ${what} ${String(item.pk)} / ${String(item.sk)} does not match the schema: ${problems}`,
  );
}

function valid(fleet: FleetRollout): FleetRollout {
  const result = FleetRolloutSchema.safeParse(fleet);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((i) => `${i.path.join('.') || '(fleet)'}: ${i.message}`)
    .join('; ');
  throw new Error(`fleet rollout ${String(fleet?.id)} is not valid: ${problems}`);
}

export class DynamoDbFleetStore implements FleetStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    if (!options.tableName) throw new Error('DynamoDbFleetStore: tableName is required');
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async getFleetRollout(id: string): Promise<FleetRollout | null> {
    const item = await this.getItem(fleetRolloutKey(id));
    return item ? parsed(FleetRolloutSchema, item, 'fleet rollout') : null;
  }

  async getFleetHead(fleet: string): Promise<FleetHead | null> {
    const item = await this.getItem(fleetHeadKey(fleet));
    return item ? parsed(FleetHeadSchema, item, 'fleet head') : null;
  }

  async findFleetDelivery(delivery: string): Promise<string | null> {
    const item = await this.getItem(fleetDeliveryKey(delivery));
    return item ? parsed(z.object({ rolloutId: z.string().min(1) }), item, 'delivery').rolloutId : null;
  }

  async createFleetRollout(input: {
    fleetRollout: FleetRollout;
    head: FleetHead | null;
    superseded?: FleetRollout;
    decisions: FleetDecision[];
    delivery?: string;
  }): Promise<void> {
    const fleet = valid(input.fleetRollout);
    const { head } = input;
    const superseded = input.superseded ? valid(input.superseded) : undefined;
    if (head && head.fleet !== fleet.fleet)
      throw new Error(`head of fleet ${head.fleet} given for ${fleet.id}`);
    if (head?.activeRolloutId && superseded?.id !== head.activeRolloutId) {
      throw new Error(
        `fleet ${fleet.fleet} has fleet rollout ${head.activeRolloutId} under way: pass it as superseded`,
      );
    }
    const nextHead: FleetHead = {
      fleet: fleet.fleet,
      activeRolloutId: isFleetTerminal(fleet.phase) ? null : fleet.id,
      latestRolloutId: fleet.id,
      latestRevision: fleet.revision,
      seq: (head?.seq ?? 0) + 1,
      version: (head?.version ?? 0) + 1,
    };
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: fleetItem(fleet),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...fleetHeadKey(fleet.fleet), ...nextHead },
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
    if (superseded) items.push(this.conditionalPut(superseded));
    if (input.delivery) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...fleetDeliveryKey(input.delivery),
            rolloutId: fleet.id,
            at: fleet.createdAt,
            [TTL_ATTRIBUTE]: Math.floor(fleet.createdAt / 1000) + DELIVERY_RETENTION_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    const counts = new Map<string, number>();
    for (const decision of input.decisions) {
      const owner = superseded && decision.action === 'supersede' ? superseded : fleet;
      const index = counts.get(owner.id) ?? 0;
      counts.set(owner.id, index + 1);
      items.push(this.decisionPut(owner, decision, index));
    }
    await this.transact(items, `create ${fleet.id}`);
  }

  async saveFleetRollout(fleetRollout: FleetRollout, decision?: FleetDecision): Promise<void> {
    const fleet = valid(fleetRollout);
    const items: TransactItem[] = [this.conditionalPut(fleet)];
    if (decision) items.push(this.decisionPut(fleet, decision, 0));
    if (isFleetTerminal(fleet.phase)) {
      const head = await this.getFleetHead(fleet.fleet);
      if (head?.activeRolloutId === fleet.id) {
        items.push({
          Update: {
            TableName: this.tableName,
            Key: fleetHeadKey(fleet.fleet),
            UpdateExpression: 'SET activeRolloutId = :none, #version = #version + :one',
            ConditionExpression: 'activeRolloutId = :id',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':none': null, ':one': 1, ':id': fleet.id },
          },
        });
      }
    }
    if (items.length === 1) {
      const put = items[0]?.Put;
      try {
        await this.client.send(new PutCommand(put as NonNullable<typeof put>));
      } catch (e) {
        throw asConflict(e, `save ${fleet.id} v${fleet.version}`);
      }
      return;
    }
    await this.transact(items, `save ${fleet.id} v${fleet.version}`);
  }

  async listActiveFleetRollouts(): Promise<FleetRollout[]> {
    const index = INDEXES.active;
    const items = await queryItems(this.client, {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': index.partition },
      ExpressionAttributeValues: { ':p': ACTIVE_FLEETS },
    });
    return items.map((item) => parsed(FleetRolloutSchema, item, 'fleet rollout'));
  }

  async listFleetRollouts(options: { fleet?: string; limit?: number } = {}): Promise<FleetRollout[]> {
    if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 1)) {
      throw new RangeError(`limit must be a positive integer, got ${options.limit}`);
    }
    const index = options.fleet === undefined ? INDEXES.byCreated : INDEXES.byTarget;
    const partition = options.fleet === undefined ? CREATED_FLEETS : `${FLEET_PREFIX}${options.fleet}`;
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
      options.limit,
    );
    return items.map((item) => parsed(FleetRolloutSchema, item, 'fleet rollout'));
  }

  async listFleetDecisions(id: string): Promise<FleetDecision[]> {
    const items = await queryItems(this.client, {
      TableName: this.tableName,
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `${FLEET_ROLLOUT_PREFIX}${id}`, ':prefix': DECISION_PREFIX },
    });
    return items.map((item) => parsed(FleetDecisionSchema, item, 'fleet decision'));
  }

  /** Whole-item put conditional on the stored version being the previous one. */
  private conditionalPut(fleet: FleetRollout): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: fleetItem(fleet),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': fleet.version - 1 },
      },
    };
  }

  private decisionPut(fleet: FleetRollout, decision: FleetDecision, index: number): TransactItem {
    const sk = `${DECISION_PREFIX}${padded(Math.floor(decision.at), 15)}#${padded(fleet.version, 10)}-${padded(index, 3)}`;
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          pk: `${FLEET_ROLLOUT_PREFIX}${fleet.id}`,
          sk,
          rolloutId: fleet.id,
          ...decision,
          [TTL_ATTRIBUTE]: Math.floor(decision.at / 1000) + DECISION_RETENTION_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private async getItem(key: { pk: string; sk: string }): Promise<Item | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return (out.Item as Item | undefined) ?? null;
  }

  private async transact(items: TransactItem[], what: string): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      throw asConflict(e, what);
    }
  }
}

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The rollouts table's keys, indexes and TTL: the one source for the local launcher's CreateTable and for the
 * test that checks `infra/dynamodb.yml` (the CloudFormation resource deployed with the functions).
 */
export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

/** Decision items carry this epoch-seconds attribute; DynamoDB deletes them some time after it passes. */
export const TTL_ATTRIBUTE = 'expiresAt';

export const BILLING_MODE = 'PAY_PER_REQUEST' as const;

/**
 * - `active`: sparse; only rollouts not in a terminal phase have `activePk`, sorted by when their next check
 *   is due. The tick reads it instead of scanning the table.
 * - `byTarget`: a target's rollouts by their sequence number (newest first when read backwards).
 * - `byCreated`: every rollout by creation time, for listing across targets.
 */
export const INDEXES = {
  active: { name: 'active', partition: 'activePk', sort: 'activeSk', sortType: 'N' },
  byTarget: { name: 'byTarget', partition: 'targetPk', sort: 'targetSk', sortType: 'N' },
  byCreated: { name: 'byCreated', partition: 'createdPk', sort: 'createdSk', sortType: 'S' },
} as const;

export type IndexName = (typeof INDEXES)[keyof typeof INDEXES]['name'];

type Definition = Required<
  Pick<
    CreateTableCommandInput,
    'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes' | 'BillingMode'
  >
>;

export const TABLE_DEFINITION: Definition = {
  BillingMode: BILLING_MODE,
  KeySchema: [
    { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
    { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: TABLE_KEYS.partition, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.sort, AttributeType: 'S' },
    ...Object.values(INDEXES).flatMap((index) => [
      { AttributeName: index.partition, AttributeType: 'S' as const },
      { AttributeName: index.sort, AttributeType: index.sortType },
    ]),
  ],
  // Projection ALL: every index query answers with whole rollouts, no follow-up GetItem per row.
  GlobalSecondaryIndexes: Object.values(INDEXES).map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partition, KeyType: 'HASH' },
      { AttributeName: index.sort, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  })),
};

export function createTableInput(tableName: string): CreateTableCommandInput {
  return { TableName: tableName, ...TABLE_DEFINITION };
}

import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item } from './item-codec.js';

/**
 * Every item a query matches, following `LastEvaluatedKey` (a page stops at 1 MB), up to `limit` items when
 * given. Each page asks only for what is still missing, so a limited query reads no more than it returns.
 */
export async function queryItems(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  limit?: number,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const remaining = limit === undefined ? undefined : limit - items.length;
    const page = await client.send(
      new QueryCommand({
        ...input,
        ...(remaining === undefined ? {} : { Limit: remaining }),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey && (limit === undefined || items.length < limit));
  return items;
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { LedgerClaim, RecordedAnswer, RequestLedger } from './request-ledger.js';
import { TTL_ATTRIBUTE } from './table-definition.js';
import { requestKey } from './table-keys.js';

const StoredClaimSchema = z.object({
  expiresAtMs: z.number(),
  answer: z
    .object({ status: z.number(), body: z.string(), headers: z.record(z.string(), z.string()) })
    .optional(),
});

/**
 * RequestLedger in the rollouts table: one item per accepted request, written with a condition so that only
 * one copy can claim it. DynamoDB's TTL deletes the items some time after they expire; until it does, an
 * expired item counts as absent (the condition compares `expiresAtMs`).
 */
export class DynamoDbRequestLedger implements RequestLedger {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async claim(key: string, expiresAtMs: number, nowMs: number): Promise<LedgerClaim> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...requestKey(key),
            expiresAtMs,
            [TTL_ATTRIBUTE]: Math.ceil(expiresAtMs / 1000),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now',
          ExpressionAttributeValues: { ':now': nowMs },
        }),
      );
      return { kind: 'first' };
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
    const out = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: requestKey(key), ConsistentRead: true }),
    );
    const stored = StoredClaimSchema.safeParse(out.Item);
    // Released between our put and our read: the sender's next copy may act; this one waits for it.
    if (!stored.success) return { kind: 'in_progress' };
    return stored.data.answer ? { kind: 'replay', answer: stored.data.answer } : { kind: 'in_progress' };
  }

  async settle(key: string, answer: RecordedAnswer): Promise<void> {
    await this.options.client.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: requestKey(key),
        UpdateExpression: 'SET answer = :answer',
        ExpressionAttributeValues: { ':answer': answer },
      }),
    );
  }

  async release(key: string): Promise<void> {
    await this.options.client.send(
      new DeleteCommand({ TableName: this.options.tableName, Key: requestKey(key) }),
    );
  }
}

import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../errors.js';

/**
 * Codes of a cancelled transaction that mean "lost a race": a condition no longer held, or another
 * transaction was writing the same item at that moment. Either way nothing was written and a retry from a
 * fresh read is the cure, so both become ConflictError; any other cancellation (validation, throttling) is a
 * real failure and is rethrown as it is.
 */
const LOST_RACE_CODES = new Set(['ConditionalCheckFailed', 'TransactionConflict']);

/** Maps a DynamoDB write failure to ConflictError when it was a lost race; returns anything else unchanged. */
export function asConflict(error: unknown, what: string): unknown {
  if (error instanceof TransactionCanceledException) {
    const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
    if (codes.some((c) => LOST_RACE_CODES.has(c))) {
      return new ConflictError(`${what}: changed concurrently (${codes.join(', ')})`, { cause: error });
    }
    return error;
  }
  if (error instanceof ConditionalCheckFailedException || error instanceof TransactionConflictException) {
    return new ConflictError(`${what}: changed concurrently`, { cause: error });
  }
  return error;
}

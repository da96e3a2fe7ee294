import { z } from 'zod';

/**
 * A position in a listing: the keys of the last item returned, as DynamoDB's `ExclusiveStartKey` wants them.
 * Opaque to callers (base64url JSON) and checked on the way back in, so a forged or mangled cursor is a 400,
 * never a DynamoDB validation error.
 */
const CursorSchema = z.record(
  z.string().regex(/^[A-Za-z]{1,20}$/),
  z.union([z.string().max(1024), z.number().finite()]),
);
export type PageCursor = z.infer<typeof CursorSchema>;

/** Longest cursor accepted: a few keys of bounded size. */
export const MAX_CURSOR_LENGTH = 2048;

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export function encodeCursor(key: PageCursor): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, expectedKeys: readonly string[]): PageCursor {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw new InvalidCursorError('cursor is not one this API returned');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
  const parsed = CursorSchema.safeParse(value);
  const keys = parsed.success ? Object.keys(parsed.data).sort() : [];
  if (!parsed.success || keys.join(',') !== [...expectedKeys].sort().join(','))
    throw new InvalidCursorError('cursor is not one this API returned (or not for these filters)');
  return parsed.data;
}

import { z } from 'zod';
import { header } from '../headers/header.js';
import type { HttpApiEvent } from './http-api-event.js';
import { HttpError } from './http-error.js';

/**
 * A delivery id becomes part of a DynamoDB key (`DELIVERY#<source>:<id>`), and keys are limited to 2 KB:
 * an unbounded header would reach DynamoDB and fail there. GitHub's are UUIDs, EventBridge's too; CI systems
 * use build ids. 128 characters of a URL-safe alphabet covers them all.
 */
export const DeliveryIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be 1 to 128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
  );

/** The delivery id a sender put in `name`, undefined when absent; a 400 naming the header when malformed. */
export function deliveryIdHeader(event: HttpApiEvent, name: string): string | undefined {
  const value = header(event.headers, name);
  if (value === undefined) return undefined;
  const parsed = DeliveryIdSchema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_header', `${name} ${parsed.error.issues[0]?.message}`, {
      issues: [{ field: `headers.${name}`, message: parsed.error.issues[0]?.message ?? 'invalid' }],
    });
  }
  return parsed.data;
}

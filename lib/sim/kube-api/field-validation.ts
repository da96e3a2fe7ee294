import type { z } from 'zod';
import { issuesToCauses, type MessageStyle } from './field-causes.js';
import type { StatusCause } from './status.js';

/** Schema violations of one object; the write path turns them into a 422 `Invalid` naming the object. */
export class FieldValidationError extends Error {
  override name = 'FieldValidationError';
  constructor(readonly causes: StatusCause[]) {
    super(causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join('; '));
  }
}

/** Parses `value` with `schema` or throws the violations as causes. */
export function validateWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  style: MessageStyle = 'crd',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new FieldValidationError(issuesToCauses(result.error.issues, value, style));
  return result.data;
}

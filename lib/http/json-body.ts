import type { z } from 'zod';
import { HttpError } from './http-error.js';
import { describeIssues, fieldIssues } from './validation-details.js';

/** Parses a JSON body (400 when it is not JSON) and validates it (422 naming every bad field). */
export function parseJsonBody<S extends z.ZodType>(raw: Buffer, schema: S): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    throw new HttpError(422, 'invalid_request', `invalid request: ${describeIssues(issues)}`, { issues });
  }
  return parsed.data;
}

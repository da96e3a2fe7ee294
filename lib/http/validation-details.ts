import type { z } from 'zod';

export interface FieldIssue {
  /** Dotted path of the offending field, `(body)` for the body itself. */
  field: string;
  message: string;
}

/** Zod issues as the list of fields a 422 answer names. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

export const describeIssues = (issues: FieldIssue[]): string =>
  issues.map((i) => `${i.field}: ${i.message}`).join('; ');

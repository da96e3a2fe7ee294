import type { z } from 'zod';
import { isPlainObject } from './kube-object.js';
import type { StatusCause } from './status.js';

/** `['spec','backends',0,'weight']` → `spec.backends[0].weight`, the API server's field path form. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text === '' ? String(key) : `${text}.${String(key)}`;
  }, '');
}

/** How `field.Invalid` prints a value: bare numbers and booleans, JSON for the rest. */
export const renderValue = (value: unknown): string => JSON.stringify(value) ?? String(value);

const jsonType = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'object'
        ? 'object'
        : typeof value;

const EXPECTED_TYPE: Record<string, string> = {
  int: 'integer',
  number: 'number',
  string: 'string',
  boolean: 'boolean',
};

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (Array.isArray(value) && typeof key === 'number') value = value[key];
    else if (isPlainObject(value)) value = value[String(key)];
    else return undefined;
  }
  return value;
}

/** Zod issues as `Status` causes worded like the API server's OpenAPI schema validation. */
/**
 * `crd` words bounds like the OpenAPI validator of custom resources (`spec.x in body should be ...`);
 * `builtin` like the hand-written validation of built-in types (`must be ...`).
 */
export type MessageStyle = 'crd' | 'builtin';

export function issuesToCauses(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  style: MessageStyle = 'crd',
): StatusCause[] {
  return issues.flatMap((issue): StatusCause[] => {
    const field = fieldPath(issue.path);
    const value = valueAt(input, issue.path);
    switch (issue.code) {
      case 'invalid_type': {
        if (value === undefined) return [{ reason: 'FieldValueRequired', message: 'Required value', field }];
        const expected = EXPECTED_TYPE[issue.expected] ?? issue.expected;
        const actual = jsonType(value);
        // A fractional number where an integer belongs is a type error in OpenAPI terms too.
        const shown = actual === 'number' && expected === 'integer' ? 'number' : actual;
        return [
          {
            reason: 'FieldValueTypeInvalid',
            message: `Invalid value: "${shown}": ${field} in body must be of type ${expected}: "${shown}"`,
            field,
          },
        ];
      }
      case 'too_small':
        return [{ reason: 'FieldValueInvalid', message: tooSmall(issue, field, value, style), field }];
      case 'too_big':
        return [{ reason: 'FieldValueInvalid', message: tooBig(issue, field, value, style), field }];
      case 'invalid_value':
        return [
          {
            reason: 'FieldValueNotSupported',
            message: `Unsupported value: ${renderValue(value)}: supported values: ${issue.values.map((v) => renderValue(v)).join(', ')}`,
            field,
          },
        ];
      case 'invalid_union': {
        const first = issue.errors[0];
        if (value === undefined) return [{ reason: 'FieldValueRequired', message: 'Required value', field }];
        if (first !== undefined && issue.errors.length === 1) return issuesToCauses(first, input, style);
        return [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${renderValue(value)}: ${issue.message}`,
            field,
          },
        ];
      }
      case 'custom': {
        const params = issue.params as { reason?: string; verbatim?: boolean } | undefined;
        const message = params?.verbatim
          ? issue.message
          : `Invalid value: ${renderValue(value)}: ${issue.message}`;
        return [{ reason: params?.reason ?? 'FieldValueInvalid', message, field }];
      }
      default:
        return [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${renderValue(value)}: ${issue.message}`,
            field,
          },
        ];
    }
  });
}

function tooSmall(
  issue: z.core.$ZodIssueTooSmall,
  field: string,
  value: unknown,
  style: MessageStyle,
): string {
  if (style === 'builtin') {
    return `Invalid value: ${renderValue(value)}: must be greater than${issue.inclusive === false ? '' : ' or equal to'} ${issue.minimum}`;
  }
  if (issue.origin === 'array') {
    return `Invalid value: ${Array.isArray(value) ? value.length : 0}: ${field} in body should have at least ${issue.minimum} items`;
  }
  if (issue.origin === 'string') {
    return `Invalid value: ${renderValue(value)}: ${field} in body should be at least ${issue.minimum} chars long`;
  }
  const bound = issue.inclusive === false ? 'greater than' : 'greater than or equal to';
  return `Invalid value: ${renderValue(value)}: ${field} in body should be ${bound} ${issue.minimum}`;
}

function tooBig(issue: z.core.$ZodIssueTooBig, field: string, value: unknown, style: MessageStyle): string {
  if (style === 'builtin') {
    return `Invalid value: ${renderValue(value)}: must be less than${issue.inclusive === false ? '' : ' or equal to'} ${issue.maximum}`;
  }
  if (issue.origin === 'array') {
    return `Invalid value: ${Array.isArray(value) ? value.length : 0}: ${field} in body should have at most ${issue.maximum} items`;
  }
  if (issue.origin === 'string') {
    return `Invalid value: ${renderValue(value)}: ${field} in body may not be longer than ${issue.maximum}`;
  }
  const bound = issue.inclusive === false ? 'less than' : 'less than or equal to';
  return `Invalid value: ${renderValue(value)}: ${field} in body should be ${bound} ${issue.maximum}`;
}

import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/**
 * Error map for parsing the configuration: says what is allowed where zod's default only says "Invalid input",
 * using what the failing schema knows (a union's discriminator values, an object's fields).
 */
export function configErrorMap(issue: RawIssue): string | undefined {
  const def = (
    issue.inst as { _zod?: { def?: unknown; propValues?: Record<string, Set<unknown>> } } | undefined
  )?._zod;
  switch (issue.code) {
    case 'invalid_union': {
      const key = 'discriminator' in issue ? (issue.discriminator as string | undefined) : undefined;
      const allowed = key ? def?.propValues?.[key] : undefined;
      if (!key || !allowed) return undefined;
      const choices = [...allowed].map((v) => JSON.stringify(v)).join(', ');
      const given = (issue.input as Record<string, unknown> | undefined)?.[key];
      return given === undefined ? `is required: one of ${choices}` : `must be one of ${choices}`;
    }
    case 'unrecognized_keys': {
      const shape = (def?.def as { shape?: Record<string, unknown> } | undefined)?.shape;
      return shape ? `allowed fields: ${Object.keys(shape).join(', ')}` : undefined;
    }
    case 'invalid_type':
      return issue.input === undefined ? `is required (${issue.expected})` : undefined;
    default:
      return undefined;
  }
}

/** One `<field path>: <message>` line per issue; unknown fields get one line each, with the field in the path. */
export function issueLines(issues: readonly Issue[]): string[] {
  return issues.flatMap((issue): string[] => {
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => line([...issue.path, key], `unknown field (${issue.message})`));
      case 'invalid_key':
        return issue.issues.map((inner) => line(issue.path, `invalid name: ${inner.message}`));
      default:
        return [line(issue.path, issue.message)];
    }
  });
}

function line(path: readonly PropertyKey[], message: string): string {
  return path.length ? `${fieldPath(path)}: ${message}` : message;
}

/** `targets.podinfo.primary`, `policies.demo.stepWeights[1]`, `clusters["my.cluster"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) return i === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join('');
}

import { z } from 'zod';

/**
 * Headers, query and path parameters: names chosen by whoever sends the request. `z.record` refuses an object
 * with an own `constructor` key (it takes it for a class instance), so a header named `constructor` would fail
 * the event schema on every route; this accepts any own string values and copies them into an object without
 * a prototype, so that no name (`constructor`, `__proto__`, `toString`) can reach or shadow Object.prototype.
 */
export const StringMapSchema = z
  .custom<Record<string, string>>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((v) => typeof v === 'string'),
    { message: 'expected an object of strings' },
  )
  .transform((value) => toStringMap(Object.entries(value)));

/** An object without a prototype holding `entries`: a lookup by any name finds only what was sent. */
export function toStringMap(entries: Iterable<[string, string]>): Record<string, string> {
  const map = Object.create(null) as Record<string, string>;
  for (const [key, value] of entries) map[key] = value;
  return map;
}

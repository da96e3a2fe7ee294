/** Header lookup that ignores case: API Gateway lowercases names, tests and other callers may not. */
export function header(
  headers: Record<string, string | undefined> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  // Own properties only: a lookup must never find Object.prototype's members.
  if (Object.hasOwn(headers, name)) return headers[name];
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * Freezes a value and every object and array reachable from it, so any write a function under test makes to its
 * input throws a TypeError (ES modules run in strict mode) instead of passing unnoticed. Functions in the input
 * (a judge, say) are behaviour, not data: they and what hangs off them are left as they are. Returns the value.
 */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value as unknown, seen);
  }
  return Object.freeze(value);
}

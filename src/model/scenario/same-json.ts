/**
 * Two JSON values alike, whatever the order of their objects' keys: parameter sets built by
 * different layerings (a variant's `set` then the options, or the options alone) list their keys
 * in different orders, and are the same run all the same.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return sortedJson(a) === sortedJson(b);
}

/** `value` as JSON with every object's keys sorted: one text for every order they were built in. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(obj)
      .sort()
      .map((k) => [k, sortedKeys(obj[k])]),
  );
}

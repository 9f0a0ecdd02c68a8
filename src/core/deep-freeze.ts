/**
 * `deepFreeze`: an object and everything it holds made read-only, in place. For the values the
 * package hands its callers and also runs itself (the built-in workloads, the topology presets,
 * the tables of names): an edit meant for one run would otherwise change every later run of the
 * process, under a reproduce line that names the unchanged original (QA). A copy is the caller's
 * to edit.
 */
export function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  Object.freeze(v);
  for (const key of Reflect.ownKeys(v)) deepFreeze((v as Record<PropertyKey, unknown>)[key]);
  return v;
}

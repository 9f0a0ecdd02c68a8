/**
 * Paths into a workload's parameters, as `--set PATH=VALUE` and a variant's `set` name them:
 * `gpu.dmaBytes`, `host.atsdRegisters`, `tenants[0].pagesPerProcess` (or `tenants.0.pagesPerProcess`).
 *
 * Setting a path copies every object and array on the way (the workload's own parameters are never
 * changed) and sets the last key, whether or not it exists. An object given to a path that holds an
 * object is merged into it, key by key (mergeObject): `--set 'gpu={"engines":1}'` changes the
 * engines and keeps every other gpu parameter the workload gave (QA: it reset them to the schema's
 * defaults, and a `--set gpu.dmaBytes` before it was lost without a word). Anything else, a list
 * included, replaces what was there: a list's items have no names to merge by, and a list given
 * whole (`tenants=[...]`) must be the list the run gets. The schema decides afterwards whether
 * the key and its value are allowed (workload.ts applySets validates the result), so an unknown key
 * is refused with the schema's own words. Only the way there must exist: a missing tenant index or
 * a path through a number is refused here, naming the field.
 */

import { ConfigError } from '../../core/errors.js';
import { gotText } from '../../core/shown-text.js';

/** `tenants[0].pageSizes` -> ['tenants', 0, 'pageSizes']; throws a ConfigError naming `field`. */
export function parseParamPath(path: string, field: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)?((?:\[\d+\])*)$/.exec(part);
    if (part === '' || m === null || (m[1] === undefined && m[2] === '')) {
      if (/^\d+$/.test(part) && keys.length > 0) {
        keys.push(Number(part));
        continue;
      }
      throw new ConfigError(
        field,
        `Expected a parameter path such as \`gpu.dmaBytes\` or \`tenants[0].pagesPerProcess\`, got ${gotText(path)}`,
      );
    }
    if (m[1] !== undefined) keys.push(m[1]);
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(index[1]));
  }
  return keys;
}

/** The value at `keys` under `root` (undefined where the way there is missing or not an object). */
export function valueAtPath(root: unknown, keys: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of keys) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** A copy of `root` with `path` set to `value` (see the module header for what is checked here). */
export function setAtPath(root: unknown, path: string, value: unknown, field: string): unknown {
  const keys = parseParamPath(path, field);
  const walk = (node: unknown, depth: number): unknown => {
    const key = keys[depth]!;
    const last = depth === keys.length - 1;
    const where = pathOf(keys.slice(0, depth));
    if (typeof key === 'number') {
      if (!Array.isArray(node)) {
        throw new ConfigError(
          field,
          `Expected \`${where}\` to be a list to index with [${key}], got ${kindOf(node)}`,
        );
      }
      if (key >= node.length) {
        throw new ConfigError(
          field,
          node.length === 0
            ? `Expected an index of \`${where}\`, got ${key}: the list is empty (set the whole list: \`${where}=[...]\`)`
            : `Expected an index of \`${where}\` from 0 to ${node.length - 1}, got ${key}`,
        );
      }
      const copy = [...node];
      if (last) checkChanges(node[key], value, keys, field);
      copy[key] = last ? mergeObject(node[key], value) : walk(node[key], depth + 1);
      return copy;
    }
    // An object's prototype is never a parameter, and `{ [key]: ... }` would make it an own key no
    // schema sees (QA: `--set __proto__=1` ran as if not given).
    if (key === '__proto__') {
      throw new ConfigError(
        field,
        `Expected a parameter${where === '' ? '' : ` of \`${where}\``}, got unknown key \`__proto__\``,
      );
    }
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      throw new ConfigError(
        field,
        `Expected \`${where === '' ? '(parameters)' : where}\` to be an object with \`${key}\`, got ${kindOf(node)}`,
      );
    }
    const obj = node as Record<string, unknown>;
    // Only the object's own keys: `hasOwnProperty.x` is an unknown key, not a way into a function.
    const own = Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (last) checkChanges(own, value, keys, field);
    return { ...obj, [key]: last ? mergeObject(own, value) : walk(own ?? {}, depth + 1) };
  };
  return walk(root, 0);
}

/**
 * Refuse a set that merges an empty object into an object (`--set 'host={}'`, or `{}` deeper in
 * the value): it changes nothing, yet the run would say it was set (the reproduce line, a failure
 * file's `set`), so it is most likely a value that lost its keys on the way (a shell, a script).
 */
function checkChanges(old: unknown, value: unknown, keys: readonly (string | number)[], field: string): void {
  const empty = emptyMerge(old, value, [...keys]);
  if (empty === undefined) return;
  throw new ConfigError(
    field,
    `Expected an object of the parameters to change in \`${pathOf(empty.at)}\`${empty.keys.length === 0 ? '' : ` (such as \`${empty.keys[0]}\`)`}, got an empty object, which changes nothing`,
  );
}

/**
 * Where in `value` an empty object would merge into an object of `old` (under `at`), and the keys
 * that object has now (a workload's unset optional ones not among them).
 */
function emptyMerge(
  old: unknown,
  value: unknown,
  at: (string | number)[],
): { at: (string | number)[]; keys: string[] } | undefined {
  if (!isObject(old) || !isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0) return { at, keys: Object.keys(old) };
  for (const k of keys) {
    const inner = Object.hasOwn(old, k) ? emptyMerge(old[k], value[k], [...at, k]) : undefined;
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** `tenants[0].name` from `['tenants', 0, 'name']`. */
function pathOf(keys: readonly (string | number)[]): string {
  return keys.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? k : `${s}.${k}`),
    '',
  );
}

/** A plain object (not a list, not null): what `--set` merges into (module header). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `value` set over `old`: an object into an object key by key, each key merged the same way (an
 * object inside an object); anything else replaces `old` (module header).
 */
export function mergeObject(old: unknown, value: unknown): unknown {
  if (!isObject(old) || !isObject(value)) return value;
  // Entries, not assignment: a key `__proto__` in the value stays a key the schema refuses, where
  // `out[key] = v` would set the prototype and the key would vanish.
  // Own keys only, as setAtPath reads them: `constructor` in the value merges into nothing.
  const keys = [...Object.keys(old), ...Object.keys(value).filter((k) => !Object.hasOwn(old, k))];
  return Object.fromEntries(
    keys.map((k) => {
      const before = Object.hasOwn(old, k) ? old[k] : undefined;
      return [k, Object.hasOwn(value, k) ? mergeObject(before, value[k]) : before];
    }),
  );
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `the ${typeof v} \`${String(v)}\``;
}

/**
 * The paths of the leaves a set of `value` at `keys` reaches: an object's keys, recursively (an
 * object merges key by key: mergeObject); anything else, a list included, is one leaf at `keys`.
 * Read by variant-overrides.ts (which paths a variant gives) and param-reach.ts (which parameters a
 * `--set` gives).
 */
export function leavesOf(keys: readonly (string | number)[], value: unknown): (string | number)[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [[...keys]];
  const entries = Object.keys(value);
  // An empty object sets nothing of its own, but names the group: kept as one leaf, as before.
  if (entries.length === 0) return [[...keys]];
  return entries.flatMap((k) => leavesOf([...keys, k], (value as Record<string, unknown>)[k]));
}

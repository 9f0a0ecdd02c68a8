/**
 * Field checks shared by the topology spec's validators (validate-topology.ts,
 * validate-nvlinks.ts): each throws a ConfigError naming the field, what was expected and what
 * arrived (the validators record it in a SpecIssues and go on), but checkKeys, which records
 * every unknown key itself. A user's text (a string value, a key) is quoted through
 * core/shown-text.ts: a newline or an escape in it would split the refusal over lines or reach the
 * terminal as a control sequence.
 */
import { ConfigError } from '../../core/errors.js';
import { gotText, shownText } from '../../core/shown-text.js';
import { shown } from '../../core/shown-value.js';
import { unknownKeysMessage } from '../../core/unknown-keys.js';
import type { SpecIssues } from './spec-issues.js';

/**
 * What arrived where another type was expected, as a workload file's refusal says it
 * (core/shown-value.ts): `got 7`, `got the string "7"`, a field left out said to be missing.
 */
export function describe(v: unknown): string {
  return typeof v === 'string' ? `the string ${shown(v)}` : shown(v, 'nothing (the field is missing)');
}

/**
 * What arrived where a value of its type was expected but not that one (a memory map's name, a
 * peer's id, a name with a control character): a string as a workload file's choice says it,
 * `` got `fast` `` (core/shown-text.ts gotText); anything else as describe says it.
 */
export function describeGot(v: unknown): string {
  return typeof v === 'string' ? gotText(v) : describe(v);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `field`'s member `key` as a refusal's place (`gpus[0].sokcet`): a key is the user's text, so it is
 * shown as a value is (a newline in it would split the refusal's first line).
 */
export function keyField(field: string, key: string): string {
  return field === '' ? shownText(key) : `${field}.${shownText(key)}`;
}

/**
 * Refuse keys the spec does not define, each at its own place: a typo (`lnks`) would otherwise be
 * ignored silently and the machine built with defaults the user thinks they changed. Worded as a
 * workload file's unknown key (core/unknown-keys.ts): `what` names the object's kind of key. No
 * other check reads an unknown key, so each is recorded in `issues` and the check goes on.
 */
export function checkKeys(
  v: Record<string, unknown>,
  allowed: readonly string[],
  field: string,
  what: string,
  issues: SpecIssues,
): void {
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) {
      issues.add(keyField(field, key), unknownKeysMessage(what, allowed, [key]));
    }
  }
}

export function expectInt(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ConfigError(field, `Expected an integer from ${min} to ${max}, got ${describe(v)}`);
  }
  return v;
}

export function expectArray(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(field, `Expected an array, got ${describe(v)}`);
  return v;
}

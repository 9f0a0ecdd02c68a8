/**
 * A result's findings (its `violations` and `liveness` lists) checked item by item: each an
 * object with the fields a reader of it reads (a rule, a tick, actors, addresses, a message and a
 * history). One rule for every reader: `npusim compare` and the library's parseRunResult,
 * compareResults and compareSets (parse-run-result.ts checkRunResult), and formatSummary
 * (api/report-calls.ts). QA: `violations: ["str"]` was refused by formatSummary, yet compared as a
 * clean run identical to one without it. Written without zod, which `compare` does not load
 * (test/cli/lazy-load.test.ts); its messages are the ones formatSummary gave with zod.
 */
import { shown } from '../core/shown-value.js';
import { statusOf } from './run-status.js';

/** Each field of a finding and what it holds (run-result.ts Violation). */
const FINDING_FIELDS = {
  rule: 'string',
  message: 'string',
  tick: 'number',
  actors: 'strings',
  addresses: 'numbers',
  history: 'strings',
} as const;

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown) => typeof v === 'string';

/**
 * The first item of `result.violations` or `result.liveness` (each where it is a list: whether it
 * is one is the caller's check) that is no finding: its field within the result
 * (`violations[0].actors`) and why, or undefined when every item is one.
 */
export function findingIssue(
  result: Record<string, unknown>,
): { field: string; message: string } | undefined {
  for (const list of ['violations', 'liveness'] as const) {
    const items = result[list];
    if (!Array.isArray(items)) continue;
    // Spread: a hole (in a caller's array) is the undefined it holds, not skipped.
    for (const [i, item] of [...(items as unknown[])].entries()) {
      const at = `${list}[${i}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        return { field: at, message: `Expected an object, got ${got(item)}` };
      const f = item as Record<string, unknown>;
      for (const [key, kind] of Object.entries(FINDING_FIELDS)) {
        const v = f[key];
        if (v === undefined && !Object.hasOwn(f, key))
          return {
            field: `${at}.${key}`,
            message: `Expected ${expected(kind)}, got nothing (the field is missing)`,
          };
        if (kind === 'string' || kind === 'number') {
          if (!(kind === 'string' ? isString : isNumber)(v))
            return { field: `${at}.${key}`, message: `Expected ${expected(kind)}, got ${got(v)}` };
          continue;
        }
        const each = kind === 'strings' ? isString : isNumber;
        if (!Array.isArray(v)) {
          // A lone item where a list of one belongs said as such (schema-issues.ts listHint).
          const one = each(v) && (typeof v !== 'string' || v.length <= 40);
          const hint = one ? ` (${key} is a list, even of one: ${JSON.stringify([v])})` : '';
          return { field: `${at}.${key}`, message: `Expected a list, got ${got(v)}${hint}` };
        }
        const bad = [...(v as unknown[])].findIndex((x) => !each(x));
        if (bad !== -1) {
          return {
            field: `${at}.${key}[${bad}]`,
            message: `Expected ${kind === 'strings' ? 'a string' : 'a number'}, got ${got(v[bad])}`,
          };
        }
      }
    }
  }
  return undefined;
}

function expected(kind: (typeof FINDING_FIELDS)[keyof typeof FINDING_FIELDS]): string {
  return kind === 'string' ? 'a string' : kind === 'number' ? 'a number' : 'a list';
}

/** What arrived, as formatSummary's refusals say it: a string named as one (`"2"` is not 2). */
function got(v: unknown): string {
  return typeof v === 'string' ? `the string ${shown(v)}` : shown(v);
}

/**
 * A result's status against its findings, by the rule it was set by (run-status.ts statusOf): a
 * run that ended (not interrupted, which may have found anything) is `liveness` with a liveness
 * failure, else `violation` with a violation, else `clean`. Undefined when they agree. QA: a
 * result edited to `status: "clean"` with its violations kept was read and compared as clean.
 * Called once each finding is known to be one (findingIssue).
 */
export function statusIssue(result: {
  status: unknown;
  violations: readonly unknown[];
  liveness: readonly unknown[];
}): string | undefined {
  if (result.status === 'interrupted' || result.status === 'crash') return undefined;
  const v = result.violations.length;
  const l = result.liveness.length;
  const { status } = statusOf('end', v, l);
  if (result.status === status) return undefined;
  const found = `${count(v, 'violation')} and ${count(l, 'liveness failure')}`;
  return `Expected \`${status}\`, the status of a run that ended with ${found}, got \`${String(result.status)}\``;
}

function count(n: number, what: string): string {
  return n === 0 ? `no ${what}` : `${n} ${what}${n === 1 ? '' : 's'}`;
}

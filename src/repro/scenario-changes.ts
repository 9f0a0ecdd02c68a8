/**
 * What a shrink changed in a run's scenario, one line per parameter (`topology witherspoon-6 ->
 * witherspoon-4`, `tenants[0].pagesPerProcess 4 -> 1`), for the `scenario:` block of `npusim
 * shrink`'s result. The before/after table gives only measures; these changes are what makes the
 * shrunk file another run (its replay header names only the workload and seed), and were found
 * only by diffing the two files (QA).
 */
import { formatTime } from '../core/time-text.js';
import type { RunConfig } from '../model/scenario/run-config.js';

export function scenarioChanges(before: RunConfig, after: RunConfig): string[] {
  const lines: string[] = [];
  diff(before.params, after.params, '', lines);
  const stop = (c: RunConfig) => String(c.stopOnFirst ?? false);
  if (stop(before) !== stop(after)) lines.push(`stopOnFirst ${stop(before)} -> ${stop(after)}`);
  const strategy = (c: RunConfig) => {
    const s = c.strategy ?? { kind: 'random' };
    return s.kind === 'replay' ? 'replay (a recorded choice log)' : s.kind;
  };
  if (strategy(before) !== strategy(after)) lines.push(`strategy ${strategy(before)} -> ${strategy(after)}`);
  return lines;
}

/**
 * The host the shrink's file records against the original's (`host threaded (--workers 2) ->
 * inline`): a shrink runs inline, and its replay runs on the host its file names, so a threaded
 * failure's shrunk file is replayed on another placement (QA: the block left it out). Empty when
 * the same.
 */
export function hostChange(
  before: { host: string; workers?: string | undefined },
  after: { host: string; workers?: string | undefined },
): string[] {
  const host = (o: typeof before) =>
    o.host === 'threaded' ? `threaded (--workers ${o.workers ?? 'per-actor'})` : o.host;
  return host(before) === host(after) ? [] : [`host ${host(before)} -> ${host(after)}`];
}

/**
 * Leaf by leaf: objects key by key, lists of objects of the same length entry by entry; any other
 * value that differs is one line, old -> new (a list whose length changed: its entries' names,
 * `tenants [host, vm1] -> [vm1]`, then each kept entry's changes; `2 entries -> 1` without names).
 */
function diff(a: unknown, b: unknown, path: string, lines: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      diff(a[k], b[k], path === '' ? k : `${path}.${k}`, lines);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.some(isObject)) {
    a.forEach((v, i) => {
      diff(v, b[i], `${path}[${i}]`, lines);
    });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && (a.some(isObject) || b.some(isObject))) {
    // Entries with names (tenants) are said by name, and those kept compared field by field under
    // their index in the shrunk file: `tenants 2 entries -> 1 entry` named neither the tenant kept
    // nor what changed in it (QA: context-churn's pages and groups of vm1 went unsaid).
    const names = (l: unknown[]) =>
      l.map((e) => (isObject(e) && typeof e.name === 'string' ? e.name : undefined));
    const na = names(a);
    const nb = names(b);
    if (![...na, ...nb].every((n) => n !== undefined) || new Set(na).size < na.length) {
      lines.push(`${path} ${entries(a.length)} -> ${entries(b.length)}`);
      return;
    }
    lines.push(`${path} [${na.join(', ')}] -> [${nb.join(', ')}]`);
    b.forEach((v, i) => {
      const k = na.indexOf(nb[i]);
      if (k >= 0) diff(a[k], v, `${path}[${i}]`, lines);
    });
    return;
  }
  lines.push(`${path} ${shown(a, path)} -> ${shown(b, path)}`);
}

function entries(n: number): string {
  return `${n} entr${n === 1 ? 'y' : 'ies'}`;
}

/** A value as read: ticks also as time (`durationTicks 200000000 (200 us)`), the rest as JSON. */
function shown(v: unknown, path: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && path.endsWith('Ticks')) return `${v} (${formatTime(v)})`;
  return v === undefined ? '(none)' : JSON.stringify(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

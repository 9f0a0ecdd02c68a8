/**
 * The counter a headline item names (workload.ts headlineItemSchema), checked against every
 * counter a run can report (actors/metric-names.ts COUNTER_NAMES, the list the actors' counters
 * are held to by the compiler). A name that no run reports would print 0 or `none` for ever, so
 * a workload naming one is refused when it loads, with the nearest names that do exist.
 */
import { editDistance } from '../../core/edit-distance.js';
import { COUNTER_NAMES } from '../actors/metric-names.js';

const NAMES = new Set(COUNTER_NAMES);

/** Every `prefix.*` that matches a counter: `atsd.*`, `atsd.invalidate.*`, ... */
const PATTERNS = [
  ...new Set(
    COUNTER_NAMES.flatMap((name) => {
      const parts = name.split('.');
      return parts.slice(1).map((_, i) => `${parts.slice(0, i + 1).join('.')}.*`);
    }),
  ),
].sort();

/** How many near names a refusal suggests. */
const SUGGESTIONS = 4;

/**
 * Why `pattern` names no counter a run reports (a name, names joined by `+`, or `prefix.*`), or
 * undefined when it is fine.
 */
export function counterPatternProblem(pattern: string): string | undefined {
  if (pattern.endsWith('.*')) {
    if (PATTERNS.includes(pattern)) return undefined;
    return `Expected \`prefix.*\` whose prefix starts some counter's name (nearest: ${nearest(pattern, PATTERNS)}), got \`${pattern}\``;
  }
  const parts = pattern.split('+');
  const bad = parts.find((p) => !NAMES.has(p));
  if (bad === undefined) return undefined;
  const got = parts.length === 1 ? `\`${pattern}\`` : `\`${bad}\` in \`${pattern}\``;
  if (bad.includes('*')) {
    return `Expected a counter name, \`a+b\`, or \`prefix.*\` (a \`*\` only as the whole last part, alone), got ${got}`;
  }
  return `Expected a counter name (nearest: ${nearest(bad, COUNTER_NAMES)}), got ${got}`;
}

/**
 * The candidates nearest to `name`: those that share its first part (`atsd`) first, then by edit
 * distance, so `atsd.size.*` suggests the atsd families rather than an unrelated short name.
 */
function nearest(name: string, candidates: readonly string[]): string {
  const first = name.split('.')[0];
  return candidates
    .map((c) => ({ c, other: c.split('.')[0] === first ? 0 : 1, d: editDistance(name, c) }))
    .sort((a, b) => a.other - b.other || a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, SUGGESTIONS)
    .map(({ c }) => c)
    .join(', ');
}

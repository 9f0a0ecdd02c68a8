/**
 * A value as a message shows what arrived, for workload files, failure files and topology files
 * alike (`got 7`, `got "fast"`, `got a list`): JSON for a plain value, so a string reads apart from
 * a number (`"7"` against 7), its kind for the rest. A string's DEL, C1 or format character, which
 * JSON.stringify leaves raw, is escaped as its C0 controls are: nothing a file holds acts on the
 * terminal that prints the refusal. A topology file's refusals said `` `7` (number) `` where a
 * workload file's said `7` (QA: two forms for one thing).
 */
import { escapeControls } from './shown-text.js';

export function shown(v: unknown, missing = 'nothing'): string {
  if (v === undefined) return missing;
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (v !== null && typeof v === 'object') return 'an object';
  // JSON has no word for these (NaN and Infinity would read `null`; a BigInt throws). An infinity
  // is mostly a literal past a double's range (`--set x=1e400`, `1e400` in a JSON file), which is
  // what the words after it say.
  if (v === Number.POSITIVE_INFINITY) return 'Infinity (a number too large: above 1.8e308)';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity (a number too large: below -1.8e308)';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `${v}n (a BigInt)`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  const text = escapeControls(JSON.stringify(v) ?? String(v));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

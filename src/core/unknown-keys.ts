/**
 * The one wording of a key an object does not take, for workload files (zod's strict objects,
 * model/scenario/schema-issues.ts `strictFields`) and topology files (model/platform/spec-fields.ts
 * `checkKeys`) alike: what the object takes, the key that arrived, and the nearest key when the
 * key is likely a slip of it, as a mistyped option or counter is hinted.
 */
import { didYouMean } from './edit-distance.js';
import { shownText } from './shown-text.js';

/** Longest unknown key shown whole: a longer one is cut (a stray paste, not a slip). */
const MAX_KEY_SHOWN = 40;

/**
 * ``Expected a tenant field (one of: name, lpid, ...), got unknown key `lpd` (did you mean `lpid`?)``;
 * several keys are listed, with no hint.
 */
export function unknownKeysMessage(
  what: string,
  allowed: readonly string[],
  unknown: readonly string[],
): string {
  // Escaped as every quoted user text is (shown-text.ts): a newline or an escape in a key would
  // split the refusal over lines or reach the terminal as a control sequence.
  const shownKey = (k: string) =>
    `\`${shownText(k.length > MAX_KEY_SHOWN ? `${k.slice(0, MAX_KEY_SHOWN)}...` : k)}\``;
  const hint = unknown.length === 1 ? didYouMean(unknown[0]!, allowed) : '';
  return `Expected ${what} (one of: ${allowed.join(', ')}), got unknown ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.map(shownKey).join(', ')}${hint}`;
}

/**
 * Simulated durations as people type them ('2ms', '500us', '1.5ms', '3000ns', '1s') and as ticks
 * (integer picoseconds, src/model/types.ts). `formatDuration` is the exact inverse of
 * `parseDuration` on whole ticks, so a reproduce line always names the same number of ticks;
 * `formatTime` is for reading (rounded, not exact).
 */

import { ConfigError } from '../core/errors.js';
import { gotText } from '../core/shown-text.js';

const TICKS_PER: Record<string, number> = { s: 1e12, ms: 1e9, us: 1e6, ns: 1e3, ps: 1 };

/**
 * Longest run a command line may ask for: 1000 s simulated (about eleven days of wall time at the
 * engine's 1M simulated ns per second). Every tick must stay exact in a double and encodable in a
 * ring record (2^53 - 1, about 9007 s): the bound leaves 8000 s of headroom above the end of the
 * run for what is computed from it (a message sent at the last tick arrives up to a link latency,
 * 1 ms at most, plus its queue later; topology-spec.ts bounds both).
 */
export const MAX_DURATION_TICKS = 1e15;

/**
 * Parse a duration into ticks. A plain integer is ticks (picoseconds). The result must be a
 * positive whole number of ticks; `option` names the flag in the error.
 */
export function parseDuration(text: string, option = '--duration'): number {
  if (/^\s*-/.test(text)) {
    throw new ConfigError(
      option,
      `Expected a duration above 0 such as \`2ms\`, got \`${text}\`: negative durations are not allowed`,
    );
  }
  const m = /^(\d+(?:\.\d+)?)(s|ms|us|ns|ps)?$/.exec(text.trim());
  if (m === null) {
    throw new ConfigError(
      option,
      `Expected a duration such as \`2ms\`, \`500us\`, \`1.5ms\`, \`3000ns\`, \`1s\` or a whole number of ticks (ps), got ${gotText(text)}${unitHint(text)}`,
    );
  }
  const unit = m[2] ?? 'ps';
  // Scale through the decimal text, not a float product, so '1.1ms' is exactly 1_100_000_000 ticks.
  const [whole, frac = ''] = m[1]!.split('.');
  const scaleDigits = Math.log10(TICKS_PER[unit]!);
  if (frac.length > scaleDigits) {
    throw new ConfigError(option, `Expected a whole number of picoseconds, got ${gotText(text)}`);
  }
  const ticks = Number(`${whole}${frac.padEnd(scaleDigits, '0')}`);
  if (!Number.isSafeInteger(ticks) || ticks <= 0 || ticks > MAX_DURATION_TICKS) {
    throw new ConfigError(
      option,
      `Expected a duration above 0 and at most ${formatDuration(MAX_DURATION_TICKS)} (${MAX_DURATION_TICKS} ticks), got \`${text}\``,
    );
  }
  return ticks;
}

/**
 * What is wrong with the unit of a duration whose number reads (QA67 F4): `30US` and `30µs` had
 * only the list of forms. Units are lower-case ASCII letters; µ is written `u`.
 */
function unitHint(text: string): string {
  // A fraction needs its whole part (QA: `.5us` had only the list of forms).
  const frac = /^\s*\.(\d+)(s|ms|us|ns)\s*$/.exec(text);
  if (frac !== null)
    return `: a fraction is written with its whole part (did you mean \`0.${frac[1]}${frac[2]}\`?)`;
  const m = /^\s*(\d+(?:\.\d+)?)(\S+?)\s*$/.exec(text);
  if (m === null) return '';
  const [, number, unit] = m as unknown as [string, string, string];
  if (/^[µμ]s$/.test(unit)) return `: µs is written \`us\` (did you mean \`${number}us\`?)`;
  const lower = unit.toLowerCase();
  if (lower === unit || !(lower in TICKS_PER)) return '';
  return `: units are lower case, ps, ns, us, ms, s (did you mean \`${number}${lower}\`?)`;
}

/** Exact text for `ticks`: the largest unit that divides it ('2ms', '1500us'), else plain ticks. */
export function formatDuration(ticks: number): string {
  for (const unit of ['s', 'ms', 'us', 'ns'] as const) {
    const per = TICKS_PER[unit]!;
    if (ticks >= per && ticks % per === 0) return `${ticks / per}${unit}`;
  }
  return String(ticks);
}

/** Readable, rounded simulated time (`2.346 us`): core/time-text.ts, which the model's messages use too. */
export { formatTime } from '../core/time-text.js';

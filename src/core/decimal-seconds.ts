/**
 * Seconds as an environment variable gives them (NPUSIM_WORKLOAD_LOAD_TIMEOUT,
 * NPUSIM_PROGRESS_INTERVAL): decimal digits with an optional fraction, blanks around them allowed.
 * Number() alone also reads `0x10`, `1e3` and `0b1` (QA: `0x10` was 16 s), so the text is matched
 * first; anything else is NaN, for the caller to refuse by the variable's name.
 */
export function decimalSeconds(text: string): number {
  return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
}

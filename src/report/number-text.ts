/**
 * Numbers as a person reads them in the summary, the headline, the comparison, the HTML report and
 * the progress line: one spelling of each, so the same figure reads the same everywhere.
 */

/** 1234567 -> '1.23M': rates and large counts read at a glance. */
export function compact(x: number): string {
  const abs = Math.abs(x);
  if (abs >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/**
 * A rate that may be below 10 (events per lookahead window, parks per second): two significant
 * digits there (0.48, 3.4), compact above. Rounded to a whole number, the coordinator's 0.48
 * events per window read `0` beside a lambda that is not (QA).
 */
export function rateText(x: number): string {
  const abs = Math.abs(x);
  return abs > 0 && abs < 10 ? String(Number(x.toPrecision(2))) : compact(x);
}

/** 0.9791 -> '97.9%': a ratio (hit rate, utilisation) as a percentage. */
export function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

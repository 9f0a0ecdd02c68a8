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

/** 0.9791 -> '97.9%': a ratio (hit rate, utilisation) as a percentage. */
export function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/**
 * A count with its noun in the right number (`1 seed`, `3 seeds`, `2 processes`), so a message
 * never prints `seed(s)` (QA). In core so that the model's messages can say counts as the
 * command's do.
 */

/** The noun for `n` things: `singular` for exactly one, else `plural` (by default an added s). */
export function plural(n: number, singular: string, pluralWord = `${singular}s`): string {
  return n === 1 ? singular : pluralWord;
}

/** `n` and its noun: `1 seed`, `0 seeds`, `2 processes` (`countText(2, 'process', 'processes')`). */
export function countText(n: number, singular: string, pluralWord = `${singular}s`): string {
  return `${n} ${plural(n, singular, pluralWord)}`;
}

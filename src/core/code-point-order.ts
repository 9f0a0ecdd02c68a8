/**
 * Names in the order of their UTF-16 code units, the same on every machine. `localeCompare`
 * orders by the collation of the user's locale, which Node takes from LANG / LC_ALL: under
 * `LANG=haw_US.UTF-8` (Hawaiian collation puts vowels before consonants) the summary's `by rule`
 * line listed two rules of one tick as `order.* ... conservation.*`, under `C` the other way round
 * (QA), so one run read differently from one shell to the next.
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

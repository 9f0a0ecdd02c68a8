/**
 * `findInteger`, Hypothesis's `find_integer` (its shrinker's junkdrawer): the largest n with f(n)
 * true, given f(0) true and f monotone enough, in O(log n) calls: 1 to 4 in turn (most answers are
 * small, and a linear probe of them costs no more than a search), then doubling until f is false,
 * then a binary search between the last true and the first false. The shrink's choice passes use
 * it to delete or zero a run of k blocks in O(log k) candidate runs, where trying block by block
 * spent k runs (QA Q39: budget-limited shrinks spent their 400 runs deleting spans one at a time).
 */
export async function findInteger(f: (n: number) => Promise<boolean>): Promise<number> {
  for (let i = 1; i <= 4; i++) if (!(await f(i))) return i - 1;
  let lo = 4;
  let hi = 8;
  while (await f(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (lo + 1 < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await f(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

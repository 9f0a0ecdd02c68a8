/**
 * How far apart two names are, for the "nearest" and "did you mean" of a refusal (a headline
 * counter, an option of the command line): here so that the model and the command line share it.
 */

/** Levenshtein distance (insertions, deletions and substitutions of one character each). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * How far apart two names are, for the "nearest" and "did you mean" of a refusal (a headline
 * counter, an option of the command line): here so that the model and the command line share it.
 */

/**
 * Optimal string alignment distance (restricted Damerau-Levenshtein): insertions, deletions,
 * substitutions and swaps of two adjacent characters, one edit each. A swap is the commonest slip
 * of a typist (`nmae`, `tenatns`, `--sede`), and plain Levenshtein counts it as two, past the one
 * slip a short name is allowed.
 */
export function editDistance(a: string, b: string): number {
  // Three rows: a swap looks two rows back.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The names of `names` nearest to `given` when near enough to be a slip (one edit in a name of up
 * to 4 letters, two in a longer one, letters' case aside), ties all kept; empty when none is.
 */
export function nearestNames(given: string, names: readonly string[]): string[] {
  const name = given.toLowerCase();
  if (name.length < 2) return [];
  const slips = name.length <= 4 ? 1 : 2;
  const distances = names.map((n) => editDistance(name, n.toLowerCase()));
  const nearest = Math.min(...distances);
  return nearest > slips ? [] : names.filter((_, i) => distances[i] === nearest);
}

/** Most names a shortening hints: beyond that the words given pick out no name (`tce`). */
const MAX_SHORTENED = 2;

/**
 * The names of `names` that `given` is a shortening of: each of its words (parted at `-` and `.`)
 * starts a word of the name, in the name's order, a word or a word's end left out, letters' case
 * aside (`local-npu` of `local-npu-only`, `shipped` of `as-shipped`, `ut0-only` of `ut0-ats-only`,
 * `shootdown.latency` of `shootdown.latencyTicks`): too far for a slip, yet plainly meant. Empty
 * for a name under 3 letters, and where more than MAX_SHORTENED names are.
 */
export function shortenedNames(given: string, names: readonly string[]): string[] {
  const words = (text: string) => text.toLowerCase().split(/[-.]/);
  const parts = words(given);
  if (given.length < 3 || parts.some((p) => p === '')) return [];
  const found = names.filter((n) => {
    if (n.toLowerCase() === given.toLowerCase()) return false;
    let at = 0;
    for (const word of words(n)) if (at < parts.length && word.startsWith(parts[at]!)) at++;
    return at === parts.length;
  });
  return found.length > MAX_SHORTENED ? [] : found;
}

/**
 * ` (did you mean \`a\`?)` for a slip of one of `names`, ` (did you mean \`a\` or \`b\`?)` for a tie, else ''.
 * With `shortened`, a name that is no slip's may be one `given` shortens (shortenedNames): a
 * choice of names a file writes (a bug, a profile, a rule), not an option, whose slips alone are hinted.
 */
export function didYouMean(
  given: string,
  names: readonly string[],
  { shortened = false }: { shortened?: boolean } = {},
): string {
  let near = nearestNames(given, names);
  if (near.length === 0 && shortened) near = shortenedNames(given, names);
  return near.length === 0 ? '' : ` (did you mean ${near.map((n) => `\`${n}\``).join(' or ')}?)`;
}

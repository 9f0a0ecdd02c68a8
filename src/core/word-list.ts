/**
 * Words as a sentence lists them: `a`, `a and b`, `a, b and c` (or `or`); '' for none. The one
 * wording of a list in npusim's messages (GPU ranges, variants, runs, hosts, a schema's options).
 */
export function wordList(words: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  return words.length < 2
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}

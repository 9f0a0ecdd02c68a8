/**
 * A word a POSIX shell passes through unchanged: bare when safe, else single-quoted. Every command
 * line npusim prints for a user to paste (a reproduce line, a replay or shrink command, a hint
 * naming a file) quotes its words with it.
 */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_.,:/=+@%-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

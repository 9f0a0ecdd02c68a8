/**
 * A word a POSIX shell passes through unchanged: bare when safe, else single-quoted. Every command
 * line npusim prints for a user to paste (a reproduce line, a replay or shrink command, a hint
 * naming a file) quotes its words with it.
 *
 * Two cases beyond quoting (QA, a batch operator pasting the lines it printed):
 * - a word with a control or format character (an escape sequence in a directory's name) is
 *   written in the `$'...'` form, each such character as its escape, so it neither reaches the
 *   terminal raw (an ESC cleared the screen) nor splits the line (a newline);
 * - a word that starts with `-` would be read as an option: every such word npusim prints is a
 *   relative path (a workload, failure or topology file; names and `--set` words never start with
 *   one), so it is written `./-...`, the same file.
 */
export function shellWord(text: string): string {
  const word = text.startsWith('-') ? `./${text}` : text;
  if (/^[A-Za-z0-9_.,:/=+@%-]+$/.test(word)) return word;
  if (CONTROL.test(word)) return `$'${[...word].map(escaped).join('')}'`;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Control characters (C0, DEL, C1) and format ones (a direction override): what acts on a terminal. */
const CONTROL = /[\p{Cc}\p{Cf}]/u;

/** One character inside `$'...'`: a control as its escape, `'` and `\` escaped, the rest as is. */
function escaped(c: string): string {
  if (c === "'") return "\\'";
  if (c === '\\') return '\\\\';
  const code = c.codePointAt(0)!;
  if (code === 0x0a) return '\\n';
  if (code === 0x09) return '\\t';
  if (code === 0x0d) return '\\r';
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (!CONTROL.test(c)) return c;
  return code > 0xffff
    ? `\\U${code.toString(16).padStart(8, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

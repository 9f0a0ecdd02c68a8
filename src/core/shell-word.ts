/**
 * A word a shell passes through unchanged: bare when safe, else single-quoted. Every command
 * line npusim prints for a user to paste (a reproduce line, a replay or shrink command, a hint
 * naming a file) quotes its words with it.
 *
 * Two cases beyond quoting (QA, a batch operator pasting the lines it printed):
 * - a word with a control or format character (an escape sequence in a directory's name) is
 *   written in the `$'...'` form (bash, zsh and ksh read it, as POSIX.1-2024 does; dash does
 *   not), each such character as its escape, so it neither reaches the terminal raw (an ESC
 *   cleared the screen) nor splits the line (a newline);
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

const UTF8 = new TextEncoder();

/** Control characters (C0, DEL, C1) and format ones (a direction override): what acts on a terminal. */
const CONTROL = /[\p{Cc}\p{Cf}]/u;

/**
 * One character inside `$'...'`: a control as its escape, `'` and `\` escaped, the rest as is. A
 * control or format character past ASCII is written as its UTF-8 bytes, `\xHH` each: bash reads
 * `\u` only in a UTF-8 locale, and under LC_ALL=C the pasted line named another file (QA).
 */
function escaped(c: string): string {
  if (c === "'") return "\\'";
  if (c === '\\') return '\\\\';
  const code = c.codePointAt(0)!;
  if (code === 0x0a) return '\\n';
  if (code === 0x09) return '\\t';
  if (code === 0x0d) return '\\r';
  if (!CONTROL.test(c)) return c;
  return [...UTF8.encode(c)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

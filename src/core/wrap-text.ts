/**
 * The one way npusim wraps prose for a terminal: `--help`'s option table, `list`'s descriptions,
 * `topo`'s long lines, `compare`'s notes and the run summary's prose, each with a hanging indent
 * under its column.
 *
 * Not a library's (wrap-ansi, word-wrap): its breaks are the model's, where those break at any
 * space. A figure and its unit stay together (`1.146 ms`), a verdict's `NOT` with what it negates,
 * a list breaks only after a field's comma (WORD_BREAK, FIELD_BREAK below), and a line's
 * continuation hangs under its own column; the rest is a loop of a few lines.
 */

/**
 * Columns the text fits in: fixed, not the terminal's width, so that help, list and topo print
 * the same in a terminal, a log, a pipe and a test (a 100-column line reads on most terminals;
 * a longer one wrapped at the terminal's edge with no indent).
 */
export const TEXT_COLUMNS = 100;

/**
 * Where a line may break: a single space between words (a run of spaces is part of a word), but
 * not between a number and its unit of time (`1.146 ms` split over two lines read as two figures),
 * nor after a verdict's `NOT` (`NOT` ending a line, `as expected` starting the next, read as met).
 */
export const WORD_BREAK = /(?<=[^\s\d])(?<!\bNOT) (?=\S)|(?<=\d) (?![pnum]?s\b)(?=\S)/;
/** Where a list of fields may break: after the comma or semicolon that ends a field. */
export const FIELD_BREAK = /(?<=\S[,;]) (?=\S)/;
/**
 * Where a short phrase may break (a table's cell): after the comma, semicolon or colon that ends a
 * part, or before a bracket (`violation: 723` | `(isolation.peer)`, `clean:` | `as expected`).
 */
export const PHRASE_BREAK = /(?<=\S[,;:]) (?=\S)|(?<=\S) (?=\()/;
/** Where a list of items whose text has commas may break: after the semicolon that ends one. */
export const ITEM_BREAK = /(?<=\S;) (?=\S)/;
/** Where a chain may break: before its arrow (`a -> b -> a`), the arrow starting the next line. */
export const ARROW_BREAK = /(?<=\S) (?=-> )/;
/** Where a line with a bracket at its end may break: before the bracket, which stays whole. */
export const BRACKET_BREAK = /(?<=\S) (?=\()/;
/**
 * Where a list of fields whose text holds brackets may break: after the comma or semicolon that
 * ends a field, but not inside a bracket (a replay's `(Ctrl-C,` | `SIGTERM or SIGHUP)` read as two
 * fields: QA Q54). A bracket is known by the `)` that closes it before any `(` opens another.
 */
export const OUTER_FIELD_BREAK = /(?<=\S[,;]) (?![^()]*\))(?=\S)/;

/**
 * A colour code (an SGR escape, `ESC [ 31 m`), which takes no column: a summary coloured for a
 * terminal wraps where its plain text does. Built from the character's code so that no control
 * character stands in the source.
 */
const COLOUR_CODE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The columns `text` takes in a terminal: its length less its colour codes. */
export function textWidth(text: string): number {
  return text.replace(COLOUR_CODE, '').length;
}

/**
 * `head`, then `text`'s words on lines of at most `columns`, every line after the first starting
 * at column `indent` (a number of spaces, or the string to start with). The first word always
 * follows `head`, and a word longer than a line's room stands on a line of its own, never cut: a
 * URL, a path or a JSON value must stay whole to be copied. Runs of spaces inside the text are
 * kept (they are part of a word), so a line that fits comes back as it went in. `breaks` says
 * where the text may break (between words unless told); given several, coarsest first, the text
 * breaks at the first, and a part too long for a line breaks at the next, and so on: a deadlock
 * cycle breaks before its arrows, and a link of it longer than a line between its words, its
 * other links kept whole (QA Q53: one long link sent the whole cycle to breaks between words; a
 * whole link may still follow the last words of a long one on their line). Widths leave colour
 * codes out (textWidth).
 */
export function hangingLines(
  head: string,
  text: string,
  indent: number | string,
  columns: number = TEXT_COLUMNS,
  breaks: RegExp | readonly RegExp[] = WORD_BREAK,
): string[] {
  const tries = Array.isArray(breaks) ? breaks : [breaks as RegExp];
  const pad = typeof indent === 'number' ? ' '.repeat(indent) : indent;
  // A part that fits after the head and on a continuation line alike is never broken further.
  const room = columns - Math.max(textWidth(head), textWidth(pad));
  return packed(head, parts(text, tries, room), pad, columns);
}

/** `text` split at `breaks[0]`, each part wider than `room` split again at the next break. */
function parts(text: string, breaks: readonly RegExp[], room: number): string[] {
  const [first, ...finer] = breaks;
  if (first === undefined) return [text];
  const split = text.split(first);
  if (finer.length === 0) return split;
  return split.flatMap((p) => (textWidth(p) > room ? parts(p, finer, room) : [p]));
}

/** `head`, then `words` joined by single spaces, a new line (from `pad`) wherever one would pass `columns`. */
function packed(head: string, words: readonly string[], pad: string, columns: number): string[] {
  const lines: string[] = [];
  let line = head;
  let empty = true;
  for (const word of words) {
    if (!empty && textWidth(line) + 1 + textWidth(word) > columns) {
      lines.push(line);
      line = pad;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * A line already laid out (a topology's socket, the actors' list) fitted to `columns`: as it is
 * when it fits, else wrapped with its continuation lines two columns past its own indent: between
 * its fields (after a comma or semicolon) when they fit and fill each line but the last past
 * half its width (`ATSD 0x...` stays with its name; a comma inside prose, `actors (as runs,`,
 * would leave a stub), else between words.
 */
export function fitLine(line: string, columns: number = TEXT_COLUMNS): string[] {
  if (textWidth(line) <= columns) return [line];
  const lead = /^ */.exec(line)![0];
  const wrap = (breaks: RegExp) =>
    hangingLines(lead, line.slice(lead.length), lead.length + 2, columns, breaks);
  const byField = wrap(FIELD_BREAK);
  const filled = byField.every(
    (l, i) => textWidth(l) <= columns && (i === byField.length - 1 || textWidth(l) > columns / 2),
  );
  return filled ? byField : wrap(WORD_BREAK);
}

/**
 * Fields shown two spaces apart (a header: `npusim sweep stress  seeds 1..8  duration 1 us ...`)
 * on lines of at most `columns`, each line after the first starting with `indent` spaces (a
 * header's continuation under its name, so that it does not read as the first line of the body
 * below it). A field is never split between lines that hold other fields: one longer than a line
 * stands on lines of its own, broken as fitLine breaks a line (a profile's bug switches in a run's
 * header: at 130 columns it was the one line of a summary's prose past 100; QA), and a word
 * longer than a line, a path, stays whole.
 */
export function packedFields(
  fields: readonly string[],
  indent: number,
  columns: number = TEXT_COLUMNS,
): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line: string | undefined;
  for (const field of fields) {
    if (line === undefined) line = field;
    else if (textWidth(line) + 2 + textWidth(field) <= columns) line += `  ${field}`;
    else {
      lines.push(line);
      line = `${pad}${field}`;
    }
  }
  if (line !== undefined) lines.push(line);
  return lines.flatMap((l) => fitLine(l, columns));
}

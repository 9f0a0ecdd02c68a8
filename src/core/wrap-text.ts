/**
 * The one way npusim wraps prose for a terminal: `--help`'s option table, `list`'s descriptions,
 * `topo`'s long lines and `compare`'s notes, each with a hanging indent under its column.
 */

/**
 * Columns the text fits in: fixed, not the terminal's width, so that help, list and topo print
 * the same in a terminal, a log, a pipe and a test (a 100-column line reads on most terminals;
 * a longer one wrapped at the terminal's edge with no indent).
 */
export const TEXT_COLUMNS = 100;

/** Where a line may break: a single space between words (a run of spaces is part of a word). */
const WORD_BREAK = /(?<=\S) (?=\S)/;
/** Where a list of fields may break: after the comma or semicolon that ends a field. */
const FIELD_BREAK = /(?<=\S[,;]) (?=\S)/;

/**
 * `head`, then `text`'s words on lines of at most `columns`, every line after the first starting
 * at column `indent` (a number of spaces, or the string to start with). The first word always
 * follows `head`, and a word longer than a line's room stands on a line of its own, never cut: a
 * URL, a path or a JSON value must stay whole to be copied. Runs of spaces inside the text are
 * kept (they are part of a word), so a line that fits comes back as it went in. `breaks` says
 * where the text may break (between words unless told).
 */
export function hangingLines(
  head: string,
  text: string,
  indent: number | string,
  columns: number = TEXT_COLUMNS,
  breaks: RegExp = WORD_BREAK,
): string[] {
  const pad = typeof indent === 'number' ? ' '.repeat(indent) : indent;
  const lines: string[] = [];
  let line = head;
  let empty = true;
  for (const word of text.split(breaks)) {
    if (!empty && line.length + 1 + word.length > columns) {
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
  if (line.length <= columns) return [line];
  const lead = /^ */.exec(line)![0];
  const wrap = (breaks: RegExp) =>
    hangingLines(lead, line.slice(lead.length), lead.length + 2, columns, breaks);
  const byField = wrap(FIELD_BREAK);
  const filled = byField.every(
    (l, i) => l.length <= columns && (i === byField.length - 1 || l.length > columns / 2),
  );
  return filled ? byField : wrap(WORD_BREAK);
}

/**
 * Fields shown two spaces apart (a header: `npusim sweep stress  seeds 1..8  duration 1 us ...`)
 * on lines of at most `columns`, each line after the first starting with `indent` spaces (a
 * header's continuation under its name, so that it does not read as the first line of the body
 * below it); a field is never split, and one longer than a line stands alone.
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
    else if (line.length + 2 + field.length <= columns) line += `  ${field}`;
    else {
      lines.push(line);
      line = `${pad}${field}`;
    }
  }
  if (line !== undefined) lines.push(line);
  return lines;
}

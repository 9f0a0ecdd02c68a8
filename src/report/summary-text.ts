/**
 * The terminal summary's text helpers (summary.ts and its sections): the style a section colours
 * with (node:util styleText, or plain text when the caller said no colour), aligned columns whose
 * widths ignore colour codes (split into tables that fit a width, each repeating its first
 * column, where one would not), and a wall-clock duration.
 */
// The namespace, not a named import of styleText (Node 20.12): under an older Node a named import
// failed to link, so every command died before src/cli/node-floor.ts could say which Node it needs.
import * as nodeUtil from 'node:util';
import { stripVTControlCharacters } from 'node:util';
import { hangingLines, PHRASE_BREAK, WORD_BREAK } from '../core/wrap-text.js';

/** Colours a span of text, or leaves it plain (summary.ts `SummaryOptions.color`). */
export type Style = (format: Parameters<typeof nodeUtil.styleText>[0], text: string) => string;

/** The style of a summary: styleText's own check looks at process.stdout, so it is turned off. */
export function summaryStyle(color: boolean): Style {
  return (format, text) => (color ? nodeUtil.styleText(format, text, { validateStream: false }) : text);
}

/** Rows of cells as aligned columns (widths from the plain text, so colours do not skew them). */
export function table(
  rows: readonly string[][],
  o: { indent: number; rightAlign: readonly number[] },
): string[] {
  const plain = (t: string) => stripVTControlCharacters(t);
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, plain(c).length);
    });
  }
  return rows.map(
    (row) =>
      ' '.repeat(o.indent) +
      row
        .map((c, i) => {
          const pad = ' '.repeat((widths[i] ?? 0) - plain(c).length);
          return o.rightAlign.includes(i) ? pad + c : i === row.length - 1 ? c : c + pad;
        })
        .join('  ')
        .trimEnd(),
  );
}

/** The most lines a cell of fittedTables may wrap onto to keep another column beside it. */
const MAX_CELL_LINES = 2;

/**
 * Rows of cells as table() lays them out in at most `columns`, the first column a label column and
 * the rest runs side by side (the answer's one column per run), in as many tables as it takes,
 * each repeating the labels: a table takes the next columns, in order, while they fit beside each
 * other, a cell wrapped onto at most MAX_CELL_LINES lines of its column where that makes room
 * (after a comma, semicolon or colon or before a bracket when the parts fit, else between words,
 * never inside one), each continuation under its cell on a line whose label is empty; the widest
 * columns give up their width first. A column that cannot fit beside another stands alone, its
 * cells wrapped to the room there is. A cell is never split between tables (the per-socket
 * contention was split alike, summary-contention.ts). Widths leave colour codes out.
 */
export function fittedTables(rows: readonly string[][], o: { indent: number; columns: number }): string[] {
  const widthOf = (t: string) => stripVTControlCharacters(t).length;
  const count = Math.max(...rows.map((r) => r.length));
  const cellsOf = (c: number) => rows.map((r) => r[c] ?? '');
  const natural = (c: number) => Math.max(...cellsOf(c).map(widthOf));
  const lead = o.indent + natural(0);
  const wrapCell = (cell: string, width: number) =>
    widthOf(cell) <= width ? [cell] : hangingLines('', cell, 0, width, [PHRASE_BREAK, WORD_BREAK]);
  // Each column of `group` capped at `cap` (its cells wrapped there), or undefined when they do
  // not fit beside each other so, or a cell would take more than MAX_CELL_LINES lines.
  const laidOut = (group: readonly number[], cap: number) => {
    const wrapped = group.map((c) => cellsOf(c).map((cell) => wrapCell(cell, Math.min(natural(c), cap))));
    const widths = wrapped.map((cells) => Math.max(...cells.flat().map(widthOf)));
    const total = lead + widths.reduce((sum, w) => sum + 2 + w, 0);
    const tall = wrapped.some((cells) => cells.some((lines) => lines.length > MAX_CELL_LINES));
    return total <= o.columns && (!tall || group.length === 1) ? wrapped : undefined;
  };
  // The widest cap at which `group` fits (the fewest cells wrapped), if any.
  const sideBySide = (group: readonly number[]) => {
    const widest = Math.max(...group.map(natural));
    for (let cap = widest; cap >= 1; cap--) {
      const wrapped = laidOut(group, cap);
      if (wrapped !== undefined) return wrapped;
    }
    // One column alone, wider than the room beside the labels: wrapped to that room however tall.
    return group.length === 1
      ? [cellsOf(group[0]!).map((cell) => wrapCell(cell, Math.max(1, o.columns - lead - 2)))]
      : undefined;
  };
  // As few tables as the columns take in order, each as full as it can be ...
  const greedy: number[][] = [];
  for (let c = 1; c < count; c++) {
    const last = greedy.at(-1);
    if (last !== undefined && sideBySide([...last, c]) !== undefined) last.push(c);
    else greedy.push([c]);
  }
  // ... then as many in each as the others, where they fit so (tce-storm's four runs two and two,
  // not three, wrapped onto three lines, and one alone).
  const size = Math.ceil((count - 1) / greedy.length);
  const even = greedy.map((_, t) =>
    Array.from({ length: size }, (_, i) => 1 + t * size + i).filter((c) => c < count),
  );
  const evenTables = even.map((group) => (group.length === 0 ? undefined : sideBySide(group)));
  const tables = evenTables.every((t) => t !== undefined) ? evenTables : greedy.map((g) => sideBySide(g)!);
  return tables.flatMap((columnsOfCells) =>
    table(
      rows.flatMap((row, r) => {
        const cells = columnsOfCells.map((column) => column[r]!);
        const height = Math.max(...cells.map((lines) => lines.length));
        return Array.from({ length: height }, (_, k) => [
          k === 0 ? (row[0] ?? '') : '',
          ...cells.map((lines) => lines[k] ?? ''),
        ]);
      }),
      { indent: o.indent, rightAlign: [] },
    ),
  );
}

/** A wall-clock duration: ms below a second, else seconds. */
export function formatWall(ms: number): string {
  return ms < 1000 ? `${msText(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * Milliseconds as a number: whole from 10 ms, a tenth below (a short run's worker busy 0.4 ms read
 * `0`, beside a partner's `3`: QA), `<0.1` for less than a tenth that is not none (two waits of
 * 20 us read `0.0`: QA), and 0 as `0`.
 */
export function msText(ms: number): string {
  if (ms > 0 && ms < 0.05) return '<0.1';
  return ms >= 9.95 || ms === 0 ? String(Math.round(ms)) : ms.toFixed(1);
}

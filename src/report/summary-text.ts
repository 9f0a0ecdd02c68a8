/**
 * The terminal summary's text helpers (summary.ts and its sections): the style a section colours
 * with (node:util styleText, or plain text when the caller said no colour), aligned columns whose
 * widths ignore colour codes, and a wall-clock duration.
 */
// The namespace, not a named import of styleText (Node 20.12): under an older Node a named import
// failed to link, so every command died before src/cli/node-floor.ts could say which Node it needs.
import * as nodeUtil from 'node:util';
import { stripVTControlCharacters } from 'node:util';

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

/** A wall-clock duration: ms below a second, else seconds. */
export function formatWall(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

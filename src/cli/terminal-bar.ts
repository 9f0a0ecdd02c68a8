/**
 * The cli-progress bar that `npusim run`, `replay` and `sweep` draw on a terminal, fitted to its
 * width, and the one live on a stream, which a message (Ctrl-C's) takes down first.
 *
 * Width: cli-progress draws a 40-character bar and turns the terminal's line wrapping off while it
 * runs, so a line wider than the terminal is cut at its right edge. The figures come after the bar,
 * so on 80 columns the violations so far (a sweep's failing count and time left) were cut off, and
 * on 60 the simulated time was cut mid-number (QA). The bar now takes what the figures leave, up to
 * 40 characters; on a narrower terminal the rate (then a run's `so far`) is left out to make room
 * for a bar of 10, and only then is the bar left out and the line cut to the width. The width is
 * read at each redraw, so a resized terminal is followed.
 *
 * Live bar: cli-progress saves the cursor's place when a bar starts and returns there when it stops.
 * A line written below a live bar (`npusim: stopping (Ctrl-C again ...)`) made the bar redraw under
 * it, and its stop then went back up and cleared the first line: the summary was written over the
 * message, and the bar's tail was left beside the summary's second line (QA). `takeDownBar` stops the
 * bar first (live-bar.ts: cursor shown, wrapping back on, its line cleared, the `^C` echo with it), so the
 * message has a clean line of its own and no bar comes back under it.
 */
import cliProgress from 'cli-progress';
import { setLiveBar } from './live-bar.js';

/** The widest bar drawn; a wide terminal gets the figures unchanged and this bar. */
const MAX_BAR = 40;
/** Less room than this and no bar is drawn: a few cells say nothing the percentage does not. */
const MIN_BAR = 10;

/** `template` with each `{name}` replaced by its value (an unknown name stays as written). */
function fill(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : String(values[name]),
  );
}

/**
 * The line for a bar at `progress` (0..1) in `columns` columns: `template`'s `{bar}` (written as
 * ` [{bar}]`) sized to the room the rest leaves. When that is too little, the `optional` parts of
 * the template (a rate: the figure a user needs least) are left out, in their order, until the bar
 * fits; when it still does not, the line is the shortest without a bar, cut to the width. One
 * column is left free: a terminal that wraps at its last column (wrapping is off only while
 * cli-progress runs) would otherwise move to a new line.
 */
export function barLine(
  template: string,
  values: Record<string, unknown>,
  progress: number,
  columns: number,
  optional: readonly string[] = [],
): string {
  const width = Math.max(1, columns - 1);
  let shown = template;
  for (let dropped = 0; ; dropped++) {
    const room = width - fill(shown, { ...values, bar: '' }).length;
    if (room >= MIN_BAR) {
      const size = Math.min(MAX_BAR, room);
      const done = Math.round(Math.min(1, Math.max(0, progress)) * size);
      return fill(shown, { ...values, bar: '\u2588'.repeat(done) + '\u2591'.repeat(size - done) });
    }
    const next = optional[dropped];
    if (next === undefined) return fill(shown.replace(' [{bar}]', ''), values).slice(0, width);
    shown = shown.replace(next, '');
  }
}

/**
 * A bar on `stream` (a TTY) whose line is `template`: `{bar}`, `{percentage}`, `{value}`,
 * `{total}`, and the payload's names, less its `optional` parts where the terminal is narrow
 * (`barLine`). It is the stream's live bar until it stops.
 */
export function terminalBar(
  stream: NodeJS.WritableStream,
  template: string,
  optional: readonly string[] = [],
): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar({
    stream,
    format: (_options, params, payload: Record<string, unknown>) =>
      barLine(
        template,
        {
          ...payload,
          percentage: Math.floor(params.progress * 100),
          value: params.value,
          total: params.total,
        },
        params.progress,
        params.maxWidth,
        optional,
      ),
    hideCursor: true,
    clearOnComplete: true,
  });
  setLiveBar(stream, bar);
  return bar;
}

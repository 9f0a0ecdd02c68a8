/**
 * A sweep's progress on stderr while its seeds run: a bar on a terminal, else a plain line a
 * second at first, further apart as the sweep goes on (`plainLineGapMs`), or as far apart as
 * NPUSIM_PROGRESS_INTERVAL says (progress-interval.ts; 0: none).
 */

import { BRACKET_BREAK, WORD_BREAK } from '../core/wrap-text.js';
import { formatTime } from '../report/duration.js';
import type { SeedOutcome } from '../sweep/seed-outcome.js';
import { type CliIo, sayText } from './cli-io.js';
import { drawsBars } from './progress.js';
import { progressIntervalMs } from './progress-interval.js';
import { terminalBar } from './terminal-bar.js';

/**
 * The least time between two plain progress lines after `elapsedMs` of sweep: a second for the
 * first minute, then a sixtieth of the time run, at most a minute. A line a second was 36,000
 * lines in a ten-hour overnight sweep's log; this is 820, still a line a minute (QA Q24).
 */
export function plainLineGapMs(elapsedMs: number): number {
  return Math.min(60_000, Math.max(1000, elapsedMs / 60));
}

interface SweepProgress {
  update(o: SeedOutcome, done: number, total: number, failures: number): void;
  stop(): void;
}

/**
 * Seeds done, seeds per second, failures so far and time left: a bar on a TTY, else plain lines
 * (`plainLineGapMs` apart, and the last). `now` is the clock (tests drive it without waiting).
 */
export function sweepProgress(
  io: CliIo,
  plain: boolean,
  now: () => number = () => performance.now(),
): SweepProgress {
  const started = now();
  const figures = (done: number, total: number) => {
    const s = (now() - started) / 1000;
    const rate = s > 0 ? done / s : 0;
    const left = rate > 0 ? (total - done) / rate : 0;
    return { rate: rate.toFixed(1), left: `${Math.ceil(left)} s` };
  };
  if (drawsBars(io.stderr, io.env) && !plain) {
    const bar = terminalBar(
      io.stderr,
      'npusim sweep [{bar}] {value}/{total} seeds | {rate} seeds/s | {failures} failing | {left} left',
      [' | {rate} seeds/s'],
    );
    let started_ = false;
    return {
      update(_o, done, total, failures) {
        if (!started_) {
          bar.start(total, 0, { rate: '0', failures: 0, left: '?' });
          started_ = true;
        }
        bar.update(done, { ...figures(done, total), failures });
      },
      stop: () => bar.stop(),
    };
  }
  const fixedGapMs = progressIntervalMs(io.env);
  if (fixedGapMs === 0) return { update() {}, stop() {} };
  let last = started;
  return {
    update(o, done, total, failures) {
      const at = now();
      if (at - last < (fixedGapMs ?? plainLineGapMs(at - started)) && done < total) return;
      last = at;
      const f = figures(done, total);
      // A failing seed's bracket goes under the figures when the line would pass 100 columns (a
      // sweep of flush-race's printed 109), kept whole: it names the seed and its rule.
      io.stderr.write(
        sayText(
          `sweep ${done}/${total} seeds, ${f.rate} seeds/s, ${failures} failing, ${f.left} left` +
            `${o.status === 'clean' ? '' : ` (seed ${o.seed}: ${o.first?.rule ?? o.status} at ${formatTime(o.first?.tick ?? 0)})`}`,
          [BRACKET_BREAK, WORD_BREAK],
        ),
      );
    },
    stop() {},
  };
}

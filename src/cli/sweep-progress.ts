/**
 * A sweep's progress on stderr while its seeds run: a bar on a terminal, else a plain line a
 * second at first, further apart as the sweep goes on (`plainLineGapMs`), or as far apart as
 * NPUSIM_PROGRESS_INTERVAL says (progress-interval.ts; 0: none).
 *
 * Driven by a timer as well as by the seeds: drawn only as seeds finished, a sweep whose seeds
 * take minutes said nothing for minutes (QA: `sweep stress --duration 1s` was silent for 6.7 s,
 * its first seed still running). The timer is unref'd (it never keeps the process alive) and
 * ends at `stop` or once the sweep is stopping (Ctrl-C), when the summary's lines come next.
 */

import { BRACKET_BREAK, FIELD_BREAK, WORD_BREAK } from '../core/wrap-text.js';
import { formatTime } from '../report/duration.js';
import type { SeedOutcome } from '../sweep/seed-outcome.js';
import { type CliIo, sayText } from './cli-io.js';
import { drawsBars, timeLeftText, wallSpanText } from './progress.js';
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

/** How often a terminal's bar takes new figures while no seed finishes (its elapsed rate, time left). */
const BAR_REFRESH_MS = 1000;

/**
 * Seeds per second, or per minute or hour where fewer than 0.1 a second finish: a sweep of
 * 20 ms runs read `0.0 seeds/s` for its whole life.
 */
export function seedRateText(perSecond: number): string {
  if (perSecond === 0 || perSecond >= 0.1) return `${perSecond.toFixed(1)} seeds/s`;
  if (perSecond * 60 >= 0.1) return `${(perSecond * 60).toFixed(1)} seeds/min`;
  return `${(perSecond * 3600).toFixed(1)} seeds/h`;
}

/** What the sweep is, known before any seed runs. */
export interface SweepShape {
  /** Seeds this sweep (this shard) runs. */
  total: number;
  /** Seeds run at once (sweep.ts seedsAtOnce): those in flight until fewer are left. */
  atOnce: number;
  /** True once the sweep is stopping (Ctrl-C): the timer says no more. */
  stopping?: () => boolean;
}

interface SweepProgress {
  update(o: SeedOutcome, done: number, total: number, failures: number): void;
  stop(): void;
}

/**
 * Seeds done, seeds in flight, seeds per second, failures so far and time left: a bar on a TTY,
 * else plain lines (`plainLineGapMs` apart, and the last). `now` is the clock (tests drive it, and
 * the timer with fake timers, without waiting).
 */
export function sweepProgress(
  io: CliIo,
  plain: boolean,
  now: () => number = () => performance.now(),
  shape?: SweepShape,
): SweepProgress {
  const started = now();
  // The latest figures, from the seeds; the timer says them again with the time moved on. Without
  // `shape` (tests of the lines alone) the total comes with the first seed, and the timer waits.
  let done = 0;
  let failures = 0;
  let total = shape?.total;
  const figures = (all: number) => {
    const s = (now() - started) / 1000;
    const rate = s > 0 ? done / s : 0;
    return {
      elapsed: wallSpanText(s),
      // In flight: the pool keeps `atOnce` seeds running until fewer are left to run.
      running: shape === undefined ? undefined : Math.min(shape.atOnce, all - done),
      rate: seedRateText(rate),
      // Known once a seed has finished; none once all have.
      left: done === 0 || done >= all ? undefined : timeLeftText((all - done) / rate),
    };
  };
  let timer: NodeJS.Timeout | undefined;
  const stopTimer = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  if (drawsBars(io.stderr, io.env) && !plain) {
    const bar = terminalBar(
      io.stderr,
      `npusim sweep [{bar}] {value}/{total} seeds${shape === undefined ? '' : ' | {running} running'} | {rate} | {failures} failing | {left}`,
      [' | {rate}', ' | {running} running'],
    );
    let drawn = false;
    // Drawn once the total is known (at once when told it); a shard with no seeds draws nothing.
    const draw = () => {
      if (total === undefined || total === 0) return;
      const f = figures(total);
      const values = { running: f.running, rate: f.rate, failures, left: f.left ?? '? left' };
      if (!drawn) bar.start(total, 0, values);
      drawn = true;
      bar.update(done, values);
    };
    draw();
    const refresh = () => {
      if (shape?.stopping?.() === true) return stopTimer();
      draw();
      timer = setTimeout(refresh, BAR_REFRESH_MS).unref();
    };
    timer = setTimeout(refresh, BAR_REFRESH_MS).unref();
    return {
      update(_o, d, all, f) {
        done = d;
        total = all;
        failures = f;
        draw();
      },
      stop() {
        stopTimer();
        bar.stop();
      },
    };
  }
  const fixedGapMs = progressIntervalMs(io.env);
  if (fixedGapMs === 0) return { update() {}, stop() {} };
  const gapMs = (at: number) => fixedGapMs ?? plainLineGapMs(at - started);
  let last = started;
  /** A line of the latest figures, with the bracket of the seed `o` when it failed. */
  const say = (all: number, o: SeedOutcome | undefined) => {
    last = now();
    const f = figures(all);
    const failed =
      o === undefined || o.status === 'clean'
        ? ''
        : ` (seed ${o.seed}: ${o.first?.rule ?? o.status} at ${formatTime(o.first?.tick ?? 0)})`;
    // A failing seed's bracket goes under the figures when the line would pass 100 columns (a
    // sweep of flush-race's printed 109), kept whole: it names the seed and its rule.
    io.stderr.write(
      sayText(
        `sweep ${done}/${all} seeds${f.running === undefined ? '' : `, ${f.running} running`}` +
          `${done === 0 ? '' : `, ${f.rate}`}, ${failures} failing, ${f.elapsed} elapsed` +
          `${f.left === undefined ? '' : `, ${f.left}`}${failed}`,
        [BRACKET_BREAK, FIELD_BREAK, WORD_BREAK],
      ),
    );
  };
  // Wakes when the next line is due, given the last one; one that a seed's line moved on since
  // only waits again, so lines are never closer than the gap. A shard with no seeds says nothing.
  const beat = () => {
    if (shape?.stopping?.() === true) return stopTimer();
    const at = now();
    const wait = gapMs(at) - (at - last);
    if (wait <= 0 && total !== undefined && total > 0) say(total, undefined);
    timer = setTimeout(beat, Math.max(1, wait <= 0 ? gapMs(now()) : wait)).unref();
  };
  timer = setTimeout(beat, gapMs(started)).unref();
  return {
    update(o, d, all, f) {
      done = d;
      total = all;
      failures = f;
      const at = now();
      if (at - last < gapMs(at) && done < all) return;
      say(all, o);
    },
    stop: stopTimer,
  };
}

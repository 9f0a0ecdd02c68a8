/**
 * Run progress on stderr, in simulated time: a cli-progress bar on a TTY, otherwise (a pipe, a CI
 * log, or --json) one plain line at most every `intervalMs` (2 s for the first minute, then further
 * apart: runLineGapMs; or NPUSIM_PROGRESS_INTERVAL's: progress-interval.ts; "npusim: 40% simulated
 * (800 us of 2 ms), 1.2M events/s, 0 violations so far, about 3 s left"), and none that would repeat
 * the last one. Time left is the simulated time still to run at the pace so far (simulated time per
 * wall second): `0% simulated (2.271 ms of 1000 s)` told nobody that the run would take eight days.
 * stdout is left to the summary or the JSON result. Violations so far are what the actors' oracles
 * found up to the tick shown (threaded: each actor's count as of its last status update).
 *
 * The wall clock is injected so tests can drive the throttle without waiting.
 */
import { hangingLines, OUTER_FIELD_BREAK, WORD_BREAK } from '../core/wrap-text.js';
import { formatTime } from '../report/duration.js';
import { compact } from '../report/number-text.js';
import { progressIntervalMs } from './progress-interval.js';
import { terminalBar } from './terminal-bar.js';

export interface ProgressReporter {
  update(tick: number, events: number, findings?: number): void;
  stop(): void;
}

export interface ProgressOptions {
  durationTicks: number;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain lines even on a TTY (--json). */
  plain: boolean;
  /** The environment (`TERM`: drawsBars; NPUSIM_PROGRESS_INTERVAL); default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * The least gap between two plain lines (0: none); default NPUSIM_PROGRESS_INTERVAL, else
   * runLineGapMs.
   */
  intervalMs?: number;
  clockMs?: () => number;
  /** What is running, when it is not the run itself (`variant per-gpu`). */
  label?: string;
  /**
   * Why `durationTicks` is where the run stops, when it is not the run's duration (a replay of a
   * run stopped early: `where the recorded run was interrupted`): said once, in the first line.
   */
  endNote?: string;
  /**
   * False for a run whose findings are reported nowhere (PCT's measuring run): its violations
   * would read as the run's own, so none are shown.
   */
  showFindings?: boolean;
  /**
   * True once the run is stopping (Ctrl-C): a line for threads still starting is left out then,
   * since nothing will be simulated (QA: it came after `npusim: stopping (Ctrl-C again ...)`).
   */
  stopping?: () => boolean;
}

/**
 * Whether `stream` takes a redrawn bar: a terminal that moves the cursor. `TERM=dumb` (Emacs'
 * shell and compile buffers, some CI consoles) is a TTY that does not: the bar's escape codes
 * came out as text there (QA), so it gets plain lines.
 */
export function drawsBars(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * The least time between two plain lines of a run after `elapsedMs` of it, where nothing sets the
 * gap: 2 s for the first minute, then a thirtieth of the time run, at most a minute. A line every
 * 2 s was 18,000 lines in a ten-hour run's log; this is 699 (a sweep's lines grow apart the same
 * way: sweep-progress.ts plainLineGapMs).
 */
export function runLineGapMs(elapsedMs: number): number {
  return Math.min(60_000, Math.max(2000, elapsedMs / 30));
}

/** Less wall time than this and the pace says too little for a time left (threads still starting). */
const PACE_KNOWN_MS = 1000;

/**
 * A span of wall time in the one unit a person plans by, whole: `40 s`, `3 min`, `5 h`, `8 days`
 * (each unit up to one and a half of the next, so `80 s`, not `1 min`).
 */
export function wallSpanText(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

/** What a progress line says of the time left: `about 3 min left` (run and sweep alike). */
export function timeLeftText(seconds: number): string {
  return `about ${wallSpanText(seconds)} left`;
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  const clockMs = options.clockMs ?? (() => performance.now());
  const started = clockMs();
  const rate = (events: number): string => {
    const seconds = (clockMs() - started) / 1000;
    return seconds > 0 ? compact(events / seconds) : '0';
  };
  // The wall time left at the simulated pace so far; undefined until a second has passed with
  // something simulated, and at the end.
  const left = (tick: number): string | undefined => {
    const ms = clockMs() - started;
    if (ms < PACE_KNOWN_MS || tick <= 0 || tick >= options.durationTicks) return undefined;
    return timeLeftText(((options.durationTicks - tick) / tick) * (ms / 1000));
  };
  if (drawsBars(options.stream, options.env) && !options.plain) {
    const bar = terminalBar(
      options.stream,
      `npusim${options.label === undefined ? '' : ` ${options.label}`} [{bar}] {percentage}% | ` +
        `{simulated} of {total_time} simulated | {rate} events/s${options.showFindings === false ? '' : ' | {findings} violations so far'}{left}`,
      // The time left goes last: after the violations, the figure a user waits on; then the word
      // `simulated`, so that a long label (`variant page-kills-as-shipped`) leaves the violations
      // whole on 80 columns (QA: cut to `459 v`).
      [' | {rate} events/s', ' so far', '{left}', ' simulated'],
    );
    bar.start(options.durationTicks, 0, {
      simulated: formatTime(0),
      total_time: formatTime(options.durationTicks),
      rate: '0',
      findings: 0,
      left: '',
    });
    return {
      update: (tick, events, findings = 0) => {
        const timeLeft = left(tick);
        bar.update(Math.min(tick, options.durationTicks), {
          simulated: formatTime(tick),
          rate: rate(events),
          findings,
          left: timeLeft === undefined ? '' : ` | ${timeLeft}`,
        });
      },
      stop: () => bar.stop(),
    };
  }
  // A gap the caller or NPUSIM_PROGRESS_INTERVAL sets holds for the whole run; else runLineGapMs.
  const fixedMs = options.intervalMs ?? progressIntervalMs(options.env ?? process.env);
  if (fixedMs === 0) return { update() {}, stop() {} };
  let lastLineMs = started;
  // What the last line said: a line that would repeat it (threaded workers still starting, every
  // report at 0 ps and 0 events) is left out until something moves.
  let lastSaid = '';
  let note = options.endNote === undefined ? '' : `, ${options.endNote}`;
  return {
    update(tick, events, findings = 0) {
      const now = clockMs();
      if (now - lastLineMs < (fixedMs ?? runLineGapMs(now - started))) return;
      const said = `${tick}:${events}:${findings}`;
      if (said === lastSaid) return;
      lastSaid = said;
      lastLineMs = now;
      const who = `npusim${options.label === undefined ? '' : ` ${options.label}`}`;
      if (tick === 0 && events === 0) {
        if (options.stopping?.() === true) return;
        // Nothing handled yet: the run's threads are still starting (QA: `0% simulated (0 ps of
        // 30 us), 0 events/s` told the user nothing). The end note waits for a line with figures.
        options.stream.write(
          `${who}: threads starting, nothing simulated yet (${formatTime(options.durationTicks)} to simulate)\n`,
        );
        return;
      }
      const pct = Math.floor((100 * Math.min(tick, options.durationTicks)) / options.durationTicks);
      const timeLeft = left(tick);
      // Wrapped at 100 columns between its fields (not inside the brackets), under the figures, as
      // every note is (cli-io.ts sayText): a replay's end note and the time left made 120.
      const text =
        `${pct}% simulated ` +
        `(${formatTime(tick)} of ${formatTime(options.durationTicks)}${note}), ${rate(events)} events/s` +
        `${options.showFindings === false ? '' : `, ${findings} violation${findings === 1 ? '' : 's'} so far`}` +
        `${timeLeft === undefined ? '' : `, ${timeLeft}`}`;
      options.stream.write(
        `${hangingLines(`${who}: `, text, 8, undefined, [OUTER_FIELD_BREAK, WORD_BREAK]).join('\n')}\n`,
      );
      note = '';
    },
    stop() {},
  };
}

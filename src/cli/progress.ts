/**
 * Run progress on stderr, in simulated time: a cli-progress bar on a TTY, otherwise (a pipe, a CI
 * log, or --json) one plain line at most every `intervalMs` ("npusim: 40% simulated (0.8/2 ms),
 * 1.2M events/s"). stdout is left to the summary or the JSON result.
 *
 * The wall clock is injected so tests can drive the throttle without waiting.
 */
import cliProgress from 'cli-progress';
import { formatTime } from '../report/duration.js';
import { compact } from '../report/summary.js';

export interface ProgressReporter {
  update(tick: number, events: number): void;
  stop(): void;
}

export interface ProgressOptions {
  durationTicks: number;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain lines even on a TTY (--json). */
  plain: boolean;
  intervalMs?: number;
  clockMs?: () => number;
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  const clockMs = options.clockMs ?? (() => performance.now());
  const started = clockMs();
  const rate = (events: number): string => {
    const seconds = (clockMs() - started) / 1000;
    return seconds > 0 ? compact(events / seconds) : '0';
  };
  if (options.stream.isTTY === true && !options.plain) {
    const bar = new cliProgress.SingleBar(
      {
        stream: options.stream,
        format: 'npusim [{bar}] {percentage}% | {simulated} of {total_time} simulated | {rate} events/s',
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.durationTicks, 0, {
      simulated: formatTime(0),
      total_time: formatTime(options.durationTicks),
      rate: '0',
    });
    return {
      update: (tick, events) =>
        bar.update(Math.min(tick, options.durationTicks), {
          simulated: formatTime(tick),
          rate: rate(events),
        }),
      stop: () => bar.stop(),
    };
  }
  const intervalMs = options.intervalMs ?? 2000;
  let lastLineMs = started;
  return {
    update(tick, events) {
      const now = clockMs();
      if (now - lastLineMs < intervalMs) return;
      lastLineMs = now;
      const pct = Math.floor((100 * Math.min(tick, options.durationTicks)) / options.durationTicks);
      options.stream.write(
        `npusim: ${pct}% simulated (${formatTime(tick)} of ${formatTime(options.durationTicks)}), ${rate(events)} events/s\n`,
      );
    },
    stop() {},
  };
}

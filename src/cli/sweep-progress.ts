/** A sweep's progress on stderr while its seeds run: a bar on a terminal, else a line a second. */

import cliProgress from 'cli-progress';
import { formatTime } from '../report/duration.js';
import type { SeedOutcome } from '../sweep/seed-outcome.js';
import type { CliIo } from './cli-io.js';
import { drawsBars } from './progress.js';

interface SweepProgress {
  update(o: SeedOutcome, done: number, total: number, failures: number): void;
  stop(): void;
}

/** Seeds done, seeds per second, failures so far and time left: a bar on a TTY, else a line a second. */
export function sweepProgress(io: CliIo, plain: boolean): SweepProgress {
  const started = performance.now();
  const figures = (done: number, total: number) => {
    const s = (performance.now() - started) / 1000;
    const rate = s > 0 ? done / s : 0;
    const left = rate > 0 ? (total - done) / rate : 0;
    return { rate: rate.toFixed(1), left: `${Math.ceil(left)} s` };
  };
  if (drawsBars(io.stderr, io.env) && !plain) {
    const bar = new cliProgress.SingleBar(
      {
        stream: io.stderr,
        format:
          'npusim sweep [{bar}] {value}/{total} seeds | {rate} seeds/s | {failures} failing | {left} left',
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
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
  let last = started;
  return {
    update(o, done, total, failures) {
      const now = performance.now();
      if (now - last < 1000 && done < total) return;
      last = now;
      const f = figures(done, total);
      io.stderr.write(
        `npusim: sweep ${done}/${total} seeds, ${f.rate} seeds/s, ${failures} failing, ${f.left} left` +
          `${o.status === 'clean' ? '' : ` (seed ${o.seed}: ${o.first?.rule ?? o.status} at ${formatTime(o.first?.tick ?? 0)})`}\n`,
      );
    },
    stop() {},
  };
}

/**
 * NPUSIM_PROGRESS_INTERVAL: how far apart the plain progress lines of `run`, `replay`, `sweep` and
 * `shrink` are (in a log, a pipe or with --json; a terminal's bar redraws as it likes).
 *
 * Why a knob. A run prints a line every 2 s at first, a shrink every second, a sweep on a schedule
 * (sweep-progress.ts), which suits a person watching a log; a batch system's log of a long run may
 * want one a minute, and none at all (`0`) where only the summary matters. A test that sends a
 * signal once a run shows progress waits for the first line: a short interval lets it act sooner,
 * so the run before the signal and the replay after it are shorter
 * (test/cli/replay-interrupted.test.ts).
 */
import { decimalSeconds } from '../core/decimal-seconds.js';
import { ConfigError } from '../core/errors.js';
import { gotText } from '../core/shown-text.js';

export const PROGRESS_INTERVAL_ENV = 'NPUSIM_PROGRESS_INTERVAL';

/**
 * The gap between two plain progress lines in ms from NPUSIM_PROGRESS_INTERVAL (seconds, decimal;
 * 0 for no lines), or undefined where it is unset or blank (each command's own schedule). Refused
 * by name when it is not such a number: every command reads it before it runs (run-cli.ts).
 */
export function progressIntervalMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[PROGRESS_INTERVAL_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  const value = decimalSeconds(text);
  if (!Number.isFinite(value)) {
    throw new ConfigError(
      PROGRESS_INTERVAL_ENV,
      `Expected a number of seconds between progress lines (2, 0.5, 60; 0 for none), got ${gotText(text)}`,
    );
  }
  return value * 1000;
}

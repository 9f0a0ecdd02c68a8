/**
 * The closing stderr line of a run that was not clean: its exit class, its code and its counts
 * (`npusim: liveness (exit 3): 2 violations, 4 liveness failures`). `npusim run` and `npusim
 * replay` both end with it, so that a replay's exit code is explained as the run's was (QA: a
 * replay exited 3 saying nothing on stderr).
 */
import { countText } from '../core/count-text.js';
import { formatTime } from '../report/duration.js';
import { livenessTotal, type RunResult, violationTotal } from '../report/run-result.js';
import { sayText } from './cli-io.js';

/**
 * The line (two where it passes 100 columns), without its last newline. `status`: the class to name, the result's own unless the caller
 * judged it otherwise (a replay that stopped where an interrupted recording stopped was not
 * itself interrupted: its findings decide).
 */
export function statusLine(
  result: RunResult,
  durationTicks: number,
  status: { status: string; exitCode: number } = result,
): string {
  const interrupted = status.status === 'interrupted';
  const what = interrupted
    ? `interrupted at ${formatTime(result.simulatedTicks)} of ${formatTime(durationTicks)} simulated`
    : status.status;
  // Wrapped at 100 columns, as every stderr note is: an interrupted run's ran to 104 (QA).
  return sayText(
    `${what} (exit ${status.exitCode}): ${countText(violationTotal(result), 'violation')}, ` +
      `${countText(livenessTotal(result), 'liveness failure')}${interrupted ? ' so far' : ''}`,
  ).slice(0, -1);
}

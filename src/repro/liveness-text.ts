/**
 * A run's liveness failure on a line of its own, as `npusim shrink` and `npusim replay` print it:
 * a liveness failure whose first finding is a violation (atsd-deadlock: the early release the
 * deadlock starts from) exits 3, and without this line its replay never said "liveness" nor
 * showed the deadlock cycle, which the message carries (QA).
 */
import { formatTime } from '../report/duration.js';

/** A run's earliest liveness failure: its rule, tick and message. */
export interface LivenessFinding {
  rule: string;
  tick: number;
  message: string;
}

/**
 * `liveness failure (exit 3[, note]): RULE at TIME (tick N[; before: TIME, tick M]): MESSAGE`;
 * `before`: the same failure in the run a shrink started from.
 */
export function livenessFindingText(live: LivenessFinding, note?: string, before?: LivenessFinding): string {
  const was = before === undefined ? '' : `; before: ${formatTime(before.tick)}, tick ${before.tick}`;
  return `liveness failure (exit 3${note === undefined ? '' : `, ${note}`}): ${live.rule} at ${formatTime(live.tick)} (tick ${live.tick}${was}): ${live.message}`;
}

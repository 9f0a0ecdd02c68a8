/**
 * A log kept per actor, replayed on a machine: a replay's choice sequences (strategy.ts `replay`)
 * and a free run's take logs (src/runtime/free/take-log.ts). The i-th entry is actor i's, so a log
 * has exactly one entry for each actor of the machine. One more was replayed as if it were
 * nobody's, one fewer left the last actors to defaults: either run is another machine's schedule,
 * whose replay was judged "NOT reproduced" (exit 5) when the file was what was wrong (QA).
 */
import { ConfigError } from '../../core/errors.js';

/**
 * Refuses a per-actor log with another count of entries than `actors`, naming `field`: `what`
 * says what an entry is (`lists`, `take logs`), `machine` whose actors they are (`witherspoon-4`).
 */
export function checkOnePerActor(
  entries: number,
  actors: number,
  field: string,
  what: string,
  machine: string,
): void {
  if (entries !== actors) {
    throw new ConfigError(field, `Expected ${actors} ${what} (one per actor of ${machine}), got ${entries}`);
  }
}

/**
 * A worker's waits by wall duration, in five buckets: < 10 us, < 100 us, < 1 ms, < 10 ms and
 * >= 10 ms, each with a count and its total milliseconds (WorkerTime measures every wait,
 * worker-status.ts). The total of all waits (`parkedMs`) cannot tell many short hand-offs from a
 * few long stalls; the buckets can, because the causes of a wait differ by orders of magnitude:
 *
 * - < 10 us: the partner published while this worker still spun (a spin-caught hand-off);
 * - < 100 us: a park ended by the partner's notify, a futex wake-up (about 37 us on this
 *   project's 2-core machine, sync-figures.ts HANDOFF_COST_US);
 * - < 1 ms: a wake-up that waited for a core, or a partner that had a window of work to finish;
 * - < 10 ms and >= 10 ms: the partner was not running at all (descheduled for a time slice, in a
 *   GC pause, compiling), or a bounded park ran out (20 ms, thread-loop.ts PARK_MS).
 *
 * A duration exactly at a bound goes to the upper bucket: the bounds are exclusive upper limits,
 * as the labels (`<10us`) say. The classification is at most four comparisons and allocates
 * nothing: it runs once per wait, and a worker can wait tens of thousands of times a second.
 */

/** Exclusive upper bounds of the first four buckets, in ms; the fifth holds the rest (>= 10 ms). */
export const WAIT_BOUNDS_MS: readonly number[] = [0.01, 0.1, 1, 10];

/** The buckets' names, in order, as the summary prints them. */
export const WAIT_BUCKET_LABELS: readonly string[] = ['<10us', '<100us', '<1ms', '<10ms', '>=10ms'];

/** A worker's waits: per bucket (WAIT_BOUNDS_MS), how many and their total wall milliseconds. */
export interface WaitFigures {
  counts: number[];
  ms: number[];
}

/** The bucket of a wait of `ms` milliseconds (0..4); a bound itself goes to the bucket above it. */
export function waitBucket(ms: number): number {
  const bounds = WAIT_BOUNDS_MS;
  for (let b = 0; b < bounds.length; b++) if (ms < bounds[b]!) return b;
  return bounds.length;
}

/** Counts and totals per bucket, added to in place (no allocation per wait). */
export class WaitHistogram {
  private readonly counts = [0, 0, 0, 0, 0];
  private readonly totals = [0, 0, 0, 0, 0];

  add(ms: number): void {
    const b = waitBucket(ms);
    this.counts[b]!++;
    this.totals[b]! += ms;
  }

  /** A copy, as plain arrays (a worker's result is structured-cloned to the main thread). */
  figures(): WaitFigures {
    return { counts: this.counts.slice(), ms: this.totals.slice() };
  }
}

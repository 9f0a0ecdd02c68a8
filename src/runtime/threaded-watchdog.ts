/**
 * The threaded runtime's watchdog (threaded-runtime.ts), on the main thread: every
 * `progressIntervalMs` it reads the status board, reports progress, passes on a stop request,
 * and rejects with EngineStallError, carrying every worker's row and every ring's counters, when
 * no worker has moved for `watchdogMs` (or, while workers still start up, STARTUP_LIMIT_MS).
 *
 * Shared memory: it only reads. Each row of the status board is written by its worker alone
 * (thread-status.ts, plain Float64 stores); a row read here may be a moment old, never torn in
 * practice (thread-status.ts says why), and "moved" is any change of a row's tick, events or
 * state between two looks, so a stale read only delays the verdict by one interval. Ring counters
 * are read the same way (readRingStats).
 */
import { readRingStats } from '../transport/ring.js';
import type { MachinePlan } from './machine-module.js';
import { ProgressTick } from './progress-tick.js';
import { EngineStallError } from './run-errors.js';
import {
  ST_EVENTS,
  ST_FINDINGS,
  ST_PROGRESS,
  ST_STATE,
  ST_TICK,
  STATE_RUNNING,
  STATE_STARTING,
  STATUS_FIELDS,
} from './thread-status.js';
import type { ThreadedOptions } from './threaded-runtime.js';

/** How long worker start-up may go without any worker moving before it counts as a stall. */
const STARTUP_LIMIT_MS = 120_000;

/**
 * A look this much later than the one before (and at least PAUSE_INTERVALS intervals) means the
 * whole process was paused (SIGSTOP, Ctrl-Z, a suspended laptop or VM, a batch system's
 * suspend): that time is nobody's stall, so such a look counts one interval, not the gap. (Not a
 * fresh start: on a machine so loaded that every look came late, a real stall would then never
 * be called; counted this way it is, later.)
 */
const PAUSE_MIN_MS = 1_000;
const PAUSE_INTERVALS = 5;

/** Start watching; `stop` ends it, `failed` rejects on a stall. */
export function watchdog(
  plan: MachinePlan,
  workerCount: number,
  groupName: (w: number) => string,
  rowsSab: SharedArrayBuffer,
  rings: readonly (SharedArrayBuffer | undefined)[],
  options: ThreadedOptions,
  stopAll: () => void,
): { failed: Promise<never>; stop: () => void } {
  const rows = new Float64Array(rowsSab);
  const watchdogMs = options.watchdogMs ?? 15_000;
  const interval = options.progressIntervalMs ?? 200;
  let lastSum = -1;
  let lastMoveMs = performance.now();
  let lastLookMs = lastMoveMs;
  let timer: NodeJS.Timeout | undefined;
  const shown = new ProgressTick();
  const clock = (w: number) => {
    const state = rows[w * STATUS_FIELDS + ST_STATE];
    return {
      tick: rows[w * STATUS_FIELDS + ST_TICK]!,
      advancing: state === STATE_STARTING || state === STATE_RUNNING,
    };
  };
  const failed = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      let sum = 0;
      let events = 0;
      let findings = 0;
      for (let w = 0; w < workerCount; w++) {
        const r = w * STATUS_FIELDS;
        sum += rows[r + ST_TICK]! + rows[r + ST_EVENTS]! + rows[r + ST_STATE]!;
        events += rows[r + ST_EVENTS]!;
        findings += rows[r + ST_FINDINGS]!;
      }
      // The caller's callbacks: one that throws fails the run with its error, every worker
      // stopped, as an inline run's does (QA: thrown from this timer, it ended the process).
      try {
        // The least clock of the workers still advancing (a free worker's may stop early).
        options.onProgress?.(
          shown.next(Array.from({ length: workerCount }, (_, w) => clock(w))),
          events,
          findings,
        );
        if (options.shouldStop?.()) stopAll();
      } catch (e) {
        clearInterval(timer);
        stopAll();
        reject(e);
        return;
      }
      const now = performance.now();
      const gap = now - lastLookMs;
      if (gap > Math.max(PAUSE_MIN_MS, PAUSE_INTERVALS * interval)) lastMoveMs += gap - interval;
      lastLookMs = now;
      // Until every worker has started (loaded its code and built its actors), the limit is the
      // start-up's: on a loaded machine, 24 workers loading at once on 2 cores can go longer than
      // the stall limit without any of them finishing, and that is not a stalled engine.
      let starting = false;
      for (let w = 0; w < workerCount; w++)
        if (rows[w * STATUS_FIELDS + ST_STATE] === STATE_STARTING) starting = true;
      const limitMs = starting ? Math.max(watchdogMs, STARTUP_LIMIT_MS) : watchdogMs;
      if (sum !== lastSum) {
        lastSum = sum;
        lastMoveMs = now;
      } else if (now - lastMoveMs > limitMs) {
        stopAll();
        reject(
          new EngineStallError(
            `no worker ${starting ? 'started or ' : ''}moved for ${Math.round(now - lastMoveMs)} ms (wall clock)`,
            {
              workers: Array.from({ length: workerCount }, (_, w) => ({
                actors: groupName(w),
                tick: rows[w * STATUS_FIELDS + ST_TICK],
                events: rows[w * STATUS_FIELDS + ST_EVENTS],
                state: rows[w * STATUS_FIELDS + ST_STATE],
                progress: rows[w * STATUS_FIELDS + ST_PROGRESS],
              })),
              rings: plan.edges.flatMap((e) => {
                const ring = rings[e.index];
                return ring === undefined ? [] : [{ edge: e.label, ...readRingStats(ring) }];
              }),
            },
          ),
        );
      }
    }, interval);
  });
  failed.catch(() => undefined);
  return { failed, stop: () => clearInterval(timer) };
}

/**
 * The status board: one small SharedArrayBuffer the main thread reads to draw progress and to run
 * the wall-clock watchdog, without a message per event; beside it, the workers' horizon board
 * (createStatusBoard, below).
 *
 * Theory of operation. One row of STATUS_FIELDS float64 slots per worker. Each row has a single
 * writer, that worker; the main thread only reads. Plain (non-atomic) float64 stores are
 * enough: a reader may see a value one update old, never a torn one on the 64-bit hosts Node
 * supports, and nothing is decided from a single reading except "has anything moved since the last
 * look", which tolerates staleness. Commands (CONTROL_*) do not live here: they travel over comlink
 * (control-plane.ts -> serve-actors.ts `command` -> thread-loop.ts setCommand).
 */
export const STATUS_FIELDS = 8;
export const ST_TICK = 0;
export const ST_EVENTS = 1;
export const ST_STATE = 2;
export const ST_BUSY_MS = 3;
export const ST_PARKED_MS = 4;
export const ST_PARKS = 5;
export const ST_PROGRESS = 6;
/** Violations and liveness failures found so far (the progress line's "violations so far"). */
export const ST_FINDINGS = 7;

export const STATE_STARTING = 0;
export const STATE_RUNNING = 1;
export const STATE_FINISHED = 2;
export const STATE_CRASHED = 3;
/**
 * A free worker with nothing left to handle before the run's end, for now (it runs again if
 * records come): its clock stands where it stopped, so progress passes it over (progress-tick.ts).
 */
export const STATE_IDLE = 4;

export const CONTROL_RUN = 0;
export const CONTROL_PAUSE = 1;
export const CONTROL_STOP = 2;

/** A command from the main thread (comlink), checked: RUN, PAUSE or STOP. */
export function checkCommand(command: number): number {
  if (command !== CONTROL_RUN && command !== CONTROL_PAUSE && command !== CONTROL_STOP) {
    throw new RangeError(`Expected a command of RUN (0), PAUSE (1) or STOP (2), got \`${command}\``);
  }
  return command;
}

/** Let a worker's event loop run (comlink's control messages arrive there) between slices. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The horizon board: one BigInt64 per worker, its current horizon H (the minimum safe time over its
 * inbound rings; -1 encodes +Infinity). Written by the worker with Atomics.store after a read of
 * its rings that changed it, read by its producers with Atomics.load: a producer notifies a parked
 * consumer of a new safe time only when its previous safe time was at or below the consumer's H,
 * i.e. when it may be the ring holding that horizon back (safe-times.ts has the argument why no
 * wake-up is lost).
 */
export function createStatusBoard(workers: number): { rows: SharedArrayBuffer; horizons: SharedArrayBuffer } {
  return {
    rows: new SharedArrayBuffer(workers * STATUS_FIELDS * 8),
    horizons: new SharedArrayBuffer(workers * 8),
  };
}

export const HORIZON_INFINITE = -1n;

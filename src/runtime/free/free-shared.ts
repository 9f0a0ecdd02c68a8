/**
 * Free mode's shared words (free-loop.ts): the drift window, the termination word `pending`, the
 * `needs` board and the `news` words, made once by the threaded runtime and handed to every
 * worker in WorkerInit.free.
 *
 * Theory of operation (free-loop.ts's header has the whole argument)
 * -------------------
 * - `words[FREE_PENDING]` (Int32): busy workers plus records published and not yet taken. Starts
 *   at the number of workers; a producer adds n before it publishes n records, an idle consumer
 *   adds 1 for itself before it subtracts what it took, a worker going idle subtracts 1. Every
 *   worker writes it, always with Atomics.add/sub; 0 means the run is over, for good.
 * - `needs[w]` (BigInt64): written only by worker w before it parks waiting for the window (what
 *   the others' least L must reach), STOP_TICK_NONE otherwise; read by a worker whose L rises, to
 *   ring exactly the waiters it releases.
 * - `news[w]` (Int32): bumped by w's producers after each publish; w loads it between events
 *   instead of polling every ring.
 */
import { STOP_TICK_NONE } from '../stop-tick.js';

/** Words of the free-mode control buffer (Int32). */
export const FREE_PENDING = 0;

export interface FreeShared {
  /** The drift window W, in ticks. */
  windowTicks: number;
  /** Int32 words: pending (see the header). */
  words: SharedArrayBuffer;
  /** One BigInt64 per worker: what the others' least L must reach for it to go on (or none). */
  needs: SharedArrayBuffer;
  /** One Int32 per worker, bumped by its producers after each publish: "look at your rings". */
  news: SharedArrayBuffer;
}

export function createFreeShared(workers: number, windowTicks: number): FreeShared {
  const words = new SharedArrayBuffer(8);
  new Int32Array(words)[FREE_PENDING] = workers;
  const needs = new SharedArrayBuffer(8 * workers);
  new BigInt64Array(needs).fill(STOP_TICK_NONE);
  return { windowTicks, words, needs, news: new SharedArrayBuffer(4 * workers) };
}

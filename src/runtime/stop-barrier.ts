/**
 * The stop barrier of a conservative run that stops at its first finding (worker-loop.ts, "Stop
 * at the first finding"): the `lowers` board, one BigInt64 word per worker in a SharedArrayBuffer.
 *
 * Theory of operation
 * -------------------
 * A worker that has run past the stop tick it knows may still be overtaken by a finding earlier
 * than that stop, found by a worker that is behind. So no worker finishes until every worker's
 * lower bound (no event it will ever handle is earlier: the least of its next event and its
 * horizon) has passed its end. Each worker stores only its own word, with Atomics.store, after
 * every step (STOP_TICK_NONE when it has nothing left); any worker reads all of them with
 * Atomics.load. The bound is a true one: every event the worker has is in its heap, and every
 * record still to arrive is at or above its horizon (the least safe time of its inbound edges).
 * Once every word is at or past the stop, no worker can still find something earlier, and the
 * stop tick read then is final. The first time a worker's bound passes its end it rings every
 * bell, so workers parked on the barrier look again.
 */
import { STOP_TICK_NONE, type WorkerEnd } from './stop-tick.js';

export class StopBarrier {
  private readonly lowers: BigInt64Array;
  private passed = false;

  constructor(
    lowers: SharedArrayBuffer,
    private readonly worker: number,
    private readonly stop: WorkerEnd,
    private readonly ringAll: () => void,
  ) {
    this.lowers = new BigInt64Array(lowers);
  }

  /** Publish this worker's lower bound; the first time it passes `end`, wake everyone to look. */
  publishLower(lower: number, end: number): void {
    const v = lower >= Number.MAX_SAFE_INTEGER ? STOP_TICK_NONE : BigInt(lower);
    Atomics.store(this.lowers, this.worker, v);
    if (lower >= end && !this.passed) {
      this.passed = true;
      this.ringAll();
    }
  }

  /** Every worker's published lower bound is at or past `stop`: no finding can come before it. */
  final(stop: number): boolean {
    this.stop.read();
    if (this.stop.end < stop) return false;
    const want = BigInt(stop);
    for (let w = 0; w < this.lowers.length; w++) if (Atomics.load(this.lowers, w) < want) return false;
    return true;
  }
}

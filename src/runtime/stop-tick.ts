/**
 * The run's stop tick: one BigInt64 word in a SharedArrayBuffer, shared by every worker of a
 * threaded run (worker-loop.ts "Stop at the first finding", free/free-loop.ts).
 *
 * Theory of operation
 * -------------------
 * Every worker may write it, only ever lowering it: `lowerWord` is an atomic min (a load, then a
 * compareExchange that retries while another worker lowered it in between), so the word only
 * falls and the least proposal wins whatever the interleaving. Workers read it with Atomics.load
 * and take it into their own end; the proposer then rings every bell so parked workers see it.
 * STOP_TICK_NONE (2^53 - 1, above every tick) means no stop; the same value marks "none" on the
 * other BigInt64 boards (the lowers board, free mode's needs).
 */

export const STOP_TICK_NONE = BigInt(Number.MAX_SAFE_INTEGER);

/** A stop-tick word, shared by every worker of a threaded run. */
export function createStopTick(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(8);
  new BigInt64Array(sab)[0] = STOP_TICK_NONE;
  return sab;
}

/**
 * Atomic min of `words[index]` with `want`; true if this call lowered it. Used for the stop tick
 * and for free mode's lowers board (a producer lowering its consumer's L).
 */
export function lowerWord(words: BigInt64Array, index: number, want: bigint): boolean {
  for (;;) {
    const cur = Atomics.load(words, index);
    if (cur <= want) return false;
    if (Atomics.compareExchange(words, index, cur, want) === cur) return true;
  }
}

/**
 * One worker's view of where the run ends: `end` is min(endTick, the stop tick as last read), and
 * no event at or after it is handled. Both worker loops (worker-loop.ts, free/free-loop.ts) keep
 * one. `end` only falls: a worker reads the word (`read`) at the top of each step and before it
 * reports, and `changed` tells a parked worker's wake condition that the word fell below it.
 */
export class WorkerEnd {
  /** min(endTick, stop tick): events at or after it are never handled. */
  end: number;
  /** Whether this worker has proposed a stop (it proposes at most once: its first finding). */
  proposed = false;
  private readonly word: BigInt64Array;

  constructor(
    stopTick: SharedArrayBuffer,
    endTick: number,
    private readonly ringAll: () => void,
  ) {
    this.word = new BigInt64Array(stopTick);
    this.end = endTick;
  }

  /** Lower the run's stop tick to `tick` (atomic min), take it, then wake every worker to see it. */
  propose(tick: number): void {
    this.proposed = true;
    lowerWord(this.word, 0, BigInt(tick));
    this.read();
    this.ringAll();
  }

  /** Take a lower stop tick into `end`. */
  read(): void {
    const stop = Number(Atomics.load(this.word, 0));
    if (stop < this.end) this.end = stop;
  }

  /** The stop tick fell below `end` since it was last read. */
  changed(): boolean {
    return Number(Atomics.load(this.word, 0)) < this.end;
  }
}

/**
 * The run's stop tick: two BigInt64 words in a SharedArrayBuffer, shared by every worker of a
 * threaded run (worker-loop.ts "Stop at the first finding" and "A crash", free/free-loop.ts):
 * word 0 the stop of the first finding, word 1 the stop of the first crash (the tick after it).
 * A worker's end is the least of the two and the run's end.
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

const FINDING_WORD = 0;
const CRASH_WORD = 1;

/** The stop-tick words, shared by every worker of a threaded run. */
export function createStopTick(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(16);
  new BigInt64Array(sab).fill(STOP_TICK_NONE);
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
    lowerWord(this.word, FINDING_WORD, BigInt(tick));
    this.read();
    this.ringAll();
  }

  /** An actor of this worker crashed at `tick - 1`: every worker stops before `tick` (atomic min). */
  proposeCrash(tick: number): void {
    lowerWord(this.word, CRASH_WORD, BigInt(tick));
    this.read();
    this.ringAll();
  }

  /** Take a lower stop tick into `end`. */
  read(): void {
    const stop = Number(this.least());
    if (stop < this.end) this.end = stop;
  }

  /** The stop tick fell below `end` since it was last read. */
  changed(): boolean {
    return Number(this.least()) < this.end;
  }

  /** Some worker's actor crashed (before the first finding's stop or not: `crashStands`). */
  crashed(): boolean {
    return Atomics.load(this.word, CRASH_WORD) !== STOP_TICK_NONE;
  }

  /**
   * A crash ends the run unless a finding's stop comes before it: a crash at tick T stops the run
   * at T + 1, a finding at F at F + 1, and the inline runtime meets the crash iff T < F + 1 (it
   * handles every event of the finding's tick). Final only once the stop barrier is.
   */
  crashStands(): boolean {
    return this.crashed() && Atomics.load(this.word, CRASH_WORD) <= Atomics.load(this.word, FINDING_WORD);
  }

  private least(): bigint {
    const finding = Atomics.load(this.word, FINDING_WORD);
    const crash = Atomics.load(this.word, CRASH_WORD);
    // biome-ignore lint/complexity/useMathMinMax: two bigints, which Math.min does not take
    return crash < finding ? crash : finding;
  }
}

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

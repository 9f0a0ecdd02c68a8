/**
 * A start gate for a group of worker threads: every thread waits on one shared word until the
 * main thread opens it, so a measurement starts when all threads are up, not when each is.
 *
 * Word 0: 0 closed, 1 open. The opener stores 1 then notifies all; a waiter loads, and waits in
 * slices of at most 50 ms on the value 0 (Atomics.wait returns at once if the store already
 * happened), so a missed notify costs at most one slice and the wait is bounded by `timeoutMs`.
 */
export function createStartGate(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

export function openStartGate(gate: SharedArrayBuffer): void {
  const word = new Int32Array(gate);
  Atomics.store(word, 0, 1);
  Atomics.notify(word, 0);
}

/** Block until the gate opens; throws after timeoutMs. */
export function waitStartGate(gate: SharedArrayBuffer, timeoutMs: number): void {
  const word = new Int32Array(gate);
  const deadlineMs = performance.now() + timeoutMs;
  while (Atomics.load(word, 0) === 0) {
    const leftMs = deadlineMs - performance.now();
    if (leftMs <= 0) throw new Error(`start gate: not opened within ${timeoutMs} ms`);
    Atomics.wait(word, 0, 0, Math.min(leftMs, 50));
  }
}

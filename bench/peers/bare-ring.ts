/**
 * The bare reference ring of the ring benchmark: the hand-written SPSC ring the issue names as the
 * ceiling ("a plain hand-written JavaScript ring with the same records"), moving raw records
 * (raw-records.ts) with none of our ring's bookkeeping: no argument checks, no counters, no
 * doorbell, no safe time, no close or abandon. What our raw rows lose against it is what that
 * bookkeeping costs; what it gains over ringbuf.js is all any ring design could gain here.
 * bare-ring-peer.ts is its thin host: one side per thread, behind the start gate like every peer.
 *
 * Theory of operation
 * -------------------
 * One SharedArrayBuffer: word TAIL (producer's line), word HEAD (its own 64-byte line), records
 * from byte RECORDS_BYTE, CAPACITY_RECORDS slots of 32 bytes; positions are free-running int32
 * counters, slot = position & mask (as layout.ts).
 * - Producer: writes a batch's records into slots [tail, tail + n), then Atomics.store(TAIL). It
 *   loads HEAD only when its cached copy says fewer than a batch are free; if the loaded one says
 *   so too, it waits until a quarter of the ring is free (the hysteresis ring-traffic.ts explains).
 * - Consumer: Atomics.load(TAIL); reads up to a batch of records from [head, tail), then
 *   Atomics.store(HEAD). The count of records is known up front, so it stops after the last one.
 * The Atomics store/load pairs on TAIL and HEAD order the plain record accesses (layout.ts's
 * argument, unchanged).
 * Waits, both sides: loads of the other side's word for up to SPIN_MS, then Atomics.wait on one's
 * own unchanged view of it for at most POLL_MS at a time. Nobody notifies: the timed wait is a
 * bounded sleep, so no wake-up protocol is needed, and with one thread per core the spin almost
 * always suffices.
 * A side that sees no progress for STALL_LIMIT_MS throws instead of hanging.
 */
import { RAW_RECORD_WORDS, type RawDigest, readRawFromSlots, writeRawToSlots } from './raw-records.js';

const TAIL = 0;
const HEAD = 16;
const RECORDS_BYTE = 128;
/** How long a wait spins before it sleeps: longer than the other side takes to free a quarter ring. */
const SPIN_MS = 2;
const SPIN_CHECKS_PER_CLOCK = 256;
const POLL_MS = 1;
const STALL_LIMIT_MS = 20_000;

/** Bytes of a bare ring of `capacityRecords` slots (a power of two). */
export function bareRingBytes(capacityRecords: number): number {
  return RECORDS_BYTE + capacityRecords * RAW_RECORD_WORDS * 4;
}

export interface BareRingData {
  ring: SharedArrayBuffer;
  capacityRecords: number;
  batch: number;
  count: number;
}

/** Timed waits this thread slept in (reported as `parks`). */
let polls = 0;

/** Spin, then poll in bounded sleeps, until `ok(load(index))`; returns the last value loaded. */
function waitUntil(i32: Int32Array, index: number, ok: (v: number) => boolean, who: string): number {
  let v = Atomics.load(i32, index);
  if (ok(v)) return v;
  const startMs = performance.now();
  const spinEndMs = startMs + SPIN_MS;
  const deadlineMs = startMs + STALL_LIMIT_MS;
  // Spin: SPIN_CHECKS_PER_CLOCK loads between looks at the clock, until SPIN_MS have passed.
  for (;;) {
    for (let k = 0; k < SPIN_CHECKS_PER_CLOCK; k++) {
      v = Atomics.load(i32, index);
      if (ok(v)) return v;
    }
    if (performance.now() > spinEndMs) break;
  }
  while (!ok(v)) {
    if (performance.now() > deadlineMs)
      throw new Error(`bare ring ${who}: no progress for ${STALL_LIMIT_MS} ms`);
    Atomics.wait(i32, index, v, POLL_MS);
    polls++;
    v = Atomics.load(i32, index);
  }
  return v;
}

/** Write records 0 .. count-1, `batch` per store of the tail. */
export function produceBare(d: BareRingData): { records: number; fullStalls: number; parks: number } {
  const i32 = new Int32Array(d.ring);
  const words = new Uint32Array(d.ring);
  const capacity = d.capacityRecords;
  const mask = capacity - 1;
  const base = RECORDS_BYTE / 4;
  const refill = Math.min(capacity, Math.max(d.batch, capacity >> 2));
  let tail = 0;
  let head = 0;
  let fullStalls = 0;
  for (let sent = 0; sent < d.count; ) {
    const n = Math.min(d.batch, d.count - sent);
    // The cached head says full: reload it, and only when the ring is still short of a batch
    // wait for a quarter of it (our ring's tryReserve, then reserve, do the same).
    if (capacity - ((tail - head) | 0) < n) head = Atomics.load(i32, HEAD);
    if (capacity - ((tail - head) | 0) < n) {
      fullStalls++;
      const want = Math.min(refill, d.count - sent);
      head = waitUntil(i32, HEAD, (h) => capacity - ((tail - h) | 0) >= want, 'producer');
    }
    writeRawToSlots(words, base, mask, tail, n, sent);
    tail = (tail + n) | 0;
    Atomics.store(i32, TAIL, tail);
    sent += n;
  }
  return { records: d.count, fullStalls, parks: polls };
}

/** Read `count` records, at most `batch` per store of the head, into a raw digest. */
export function consumeBare(d: BareRingData): { records: number; raw: RawDigest; parks: number } {
  const i32 = new Int32Array(d.ring);
  const words = new Uint32Array(d.ring);
  const mask = d.capacityRecords - 1;
  const base = RECORDS_BYTE / 4;
  const digest: RawDigest = { sum: 0, xor: 0 };
  let head = 0;
  let received = 0;
  while (received < d.count) {
    let n = (Atomics.load(i32, TAIL) - head) | 0;
    if (n === 0) n = (waitUntil(i32, TAIL, (t) => t !== head, 'consumer') - head) | 0;
    if (n > d.batch) n = d.batch;
    readRawFromSlots(words, base, mask, head, n, digest);
    head = (head + n) | 0;
    Atomics.store(i32, HEAD, head);
    received += n;
  }
  return { records: received, raw: digest, parks: polls };
}

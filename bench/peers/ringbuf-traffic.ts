/**
 * ringbuf.js (npm `ringbuf.js`, padenot/ringbuf.js: a wait-free SPSC ring over a SharedArrayBuffer)
 * carrying the ring benchmark's records, for the side-by-side rows of bench/ring.ts. The producer
 * and consumer loops mirror ring-traffic.ts, and the per-record work is the same functions
 * (encodeToArray / decodeFromArray there, writeRawToArray / readRawFromArray in raw-records.ts), so
 * the two rings do the same work per record: the same message stream, codec and checksum (or, with
 * `raw`, the raw records), the same batches, the same waiting rules. What differs is the ring.
 *
 * Theory of operation
 * -------------------
 * ringbuf.js: a RingBuffer of Uint32 elements; a record is 8 consecutive elements. Its first 8
 * bytes hold the write index (producer: Atomics.store at the end of push) and the read index
 * (consumer: Atomics.store at the end of pop); push and pop Atomics.load both, then copy elements
 * between the caller's typed array and the ring (push publishes by its store of the write index,
 * pop observes by its load of it, and the reverse for space). It offers no way to block and no
 * in-place access that keeps a record whole (its storage has capacity + 1 elements, so a record may
 * straddle the wrap), so records go through a staging Uint32Array of `batch` records on each side:
 * the producer encodes into it and pushes; the consumer pops into it and decodes. That copy is what
 * the library's API costs and it is counted. The usable capacity is CAPACITY_RECORDS * 8 elements
 * and both sides move whole records (a push of 8n elements stores a multiple of 8 because the free
 * space always is one; a pop asks for at most 8 * batch), so no record is ever split between calls.
 *
 * Pacing, the same as our ring's (ring.ts, ring-traffic.ts), built from a side band (a separate
 * SharedArrayBuffer, fields below) and our Doorbell (doorbell.ts), one per thread:
 * - after every push the producer rings the consumer's doorbell (one load unless it is parked), as
 *   RingProducer.publish does;
 * - a full ring: the producer waits until a quarter of the ring is free (ring-traffic.ts says why),
 *   spinning with the same adaptive budget (adaptive-spin.ts) and then parking on its doorbell,
 *   armed through the side band as RingProducer.reserve arms its space-waiter word;
 * - after every pop the consumer loads spaceWaiter and, only if it is set and the free space reached
 *   the target, exchanges it to 0 and rings the producer, as RingConsumer.release does. A wake-up
 *   is never lost by ring.ts's argument, step for step (pop's store of the read index is H; the
 *   producer's ready() loads it through availableWrite());
 * - an empty ring: the consumer spins with the same adaptive budget, then parks on its doorbell
 *   until a push or the close rings it.
 *
 * | side-band field   | writer                         | store                        | load             |
 * | ----------------- | ------------------------------ | ---------------------------- | ---------------- |
 * | closed            | producer                       | Atomics.store after its last | consumer, before |
 * |                   |                                | push (so seeing it shows all)| its empty check  |
 * | spaceWantElements | producer                       | Atomics.store before the flag| consumer         |
 * | spaceWaiter       | producer sets, consumer clears | Atomics.store(1) / exchange  | consumer         |
 *
 * Bounds: every wait is a bounded spin then parks of at most PARK_SLICE_MS; a side that sees no
 * progress for `stallLimitMs` throws instead of hanging.
 */
import { RingBuffer } from 'ringbuf.js';
import { AdaptiveSpin } from '../../src/transport/adaptive-spin.js';
import { emptyMessage } from '../../src/transport/codec.js';
import type { Doorbell } from '../../src/transport/doorbell.js';
import { DEFAULT_SPIN_ROUNDS } from '../../src/transport/ring.js';
import { RAW_RECORD_WORDS, type RawDigest, readRawFromArray, writeRawToArray } from './raw-records.js';
import { CHECKSUM_SEED, decodeFromArray, encodeToArray } from './ring-traffic.js';

const SIDE_CLOSED = 0;
// The waiter words on their own 64-byte line, away from `closed`.
const SIDE_SPACE_WAITER = 16;
const SIDE_SPACE_WANT = 17;
const SIDE_BYTES = 128;
/** Longest single Atomics.wait, as in ring.ts. */
const PARK_SLICE_MS = 50;

export interface RingbufChannel {
  /** ringbuf.js's buffer: RingBuffer.getStorageForCapacity(capacityRecords * 8, Uint32Array). */
  ring: SharedArrayBuffer;
  /** The side band: closed flag and space-waiter words (see the header). */
  side: SharedArrayBuffer;
}

export function createRingbufChannel(capacityRecords: number): RingbufChannel {
  return {
    ring: RingBuffer.getStorageForCapacity(capacityRecords * RAW_RECORD_WORDS, Uint32Array),
    side: new SharedArrayBuffer(SIDE_BYTES),
  };
}

export interface RingbufTrafficOptions {
  /** Records per push (producer) or at most per pop (consumer). */
  batch: number;
  firstIndex?: number;
  /** Raw records instead of codec messages (raw-records.ts). */
  raw?: boolean;
  /** Throw when no record moved for this long (default 20 s). */
  stallLimitMs?: number;
}

export interface RingbufResult {
  records: number;
  checksum: number;
  startMs: number;
  endMs: number;
  raw?: RawDigest;
  /** Named as RingStats' fields, so bench/ring.ts sums both rings alike. */
  stats: { fullStalls: number; parks: number };
}

const nowMs = (): number => performance.timeOrigin + performance.now();

/** Encode messages firstIndex .. firstIndex+count-1, `batch` per push, then close. */
export function produceRingbuf(
  channel: RingbufChannel,
  consumerBell: Doorbell,
  producerBell: Doorbell,
  opts: RingbufTrafficOptions & { count: number },
): RingbufResult {
  const { count, batch } = opts;
  const first = opts.firstIndex ?? 0;
  const raw = opts.raw ?? false;
  const stallLimitMs = opts.stallLimitMs ?? 20_000;
  const rb = new RingBuffer(channel.ring, Uint32Array);
  const side = new Int32Array(channel.side);
  const capacityRecords = rb.capacity() / RAW_RECORD_WORDS;
  const refillRecords = Math.min(capacityRecords, Math.max(batch, capacityRecords >> 2));
  const staging = new Uint32Array(batch * RAW_RECORD_WORDS);
  const spin = new AdaptiveSpin(DEFAULT_SPIN_ROUNDS);
  let wantElements = 0;
  const spaceReady = (): boolean => rb.availableWrite() >= wantElements;
  let fullStalls = 0;
  let parks = 0;
  const m = emptyMessage();
  let h = CHECKSUM_SEED;
  let sent = 0;
  const startMs = nowMs();

  /** Wait until `want` elements are free: spin, then park armed (the header's pacing rules). */
  const waitSpace = (want: number): void => {
    wantElements = want;
    const waitStartMs = performance.now();
    const deadlineMs = waitStartMs + stallLimitMs;
    let rounds = spin.rounds;
    for (;;) {
      if (rb.availableWrite() >= want) {
        Atomics.store(side, SIDE_SPACE_WAITER, 0);
        return;
      }
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0) {
        Atomics.store(side, SIDE_SPACE_WAITER, 0);
        throw new Error(
          `ringbuf.js producer: no space for ${stallLimitMs} ms after ${sent} of ${count} records`,
        );
      }
      Atomics.store(side, SIDE_SPACE_WANT, want);
      Atomics.store(side, SIDE_SPACE_WAITER, 1);
      const result = producerBell.park(spaceReady, Math.min(leftMs, PARK_SLICE_MS), rounds);
      if (result !== 'ready') {
        parks++;
        if (rounds !== 0) spin.afterPark(performance.now() - waitStartMs, result === 'woken');
      }
      rounds = 0;
    }
  };

  while (sent < count) {
    const n = Math.min(count - sent, batch);
    if (raw) writeRawToArray(staging, n, first + sent);
    else h = encodeToArray(staging, n, first + sent, m, h);
    const len = n * RAW_RECORD_WORDS;
    let done = rb.push(staging, len);
    if (done !== 0) consumerBell.ring();
    while (done < len) {
      fullStalls++;
      waitSpace(Math.min(count - sent, refillRecords) * RAW_RECORD_WORDS);
      done += rb.push(staging, len - done, done);
      consumerBell.ring();
    }
    sent += n;
  }
  Atomics.store(side, SIDE_CLOSED, 1);
  consumerBell.ring();
  return { records: sent, checksum: h, startMs, endMs: nowMs(), stats: { fullStalls, parks } };
}

/** Drain until the producer closed and the ring is empty, at most `batch` records per pop. */
export function consumeRingbuf(
  channel: RingbufChannel,
  consumerBell: Doorbell,
  producerBell: Doorbell,
  opts: RingbufTrafficOptions,
): RingbufResult {
  const { batch } = opts;
  const raw = opts.raw ?? false;
  const stallLimitMs = opts.stallLimitMs ?? 20_000;
  const rb = new RingBuffer(channel.ring, Uint32Array);
  const side = new Int32Array(channel.side);
  const staging = new Uint32Array(batch * RAW_RECORD_WORDS);
  const spin = new AdaptiveSpin(DEFAULT_SPIN_ROUNDS);
  const newsReady = (): boolean => Atomics.load(side, SIDE_CLOSED) !== 0 || !rb.empty();
  let parks = 0;
  const m = emptyMessage();
  let h = CHECKSUM_SEED;
  const digest: RawDigest = { sum: 0, xor: 0 };
  let received = 0;
  const startMs = nowMs();

  /** Wait for records or the close: spin, then park (the header's pacing rules). */
  const waitNews = (): void => {
    const waitStartMs = performance.now();
    const deadlineMs = waitStartMs + stallLimitMs;
    let rounds = spin.rounds;
    for (;;) {
      if (newsReady()) return;
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0) {
        throw new Error(`ringbuf.js consumer: no record for ${stallLimitMs} ms after ${received} records`);
      }
      const result = consumerBell.park(newsReady, Math.min(leftMs, PARK_SLICE_MS), rounds);
      if (result !== 'ready') {
        parks++;
        if (rounds !== 0) spin.afterPark(performance.now() - waitStartMs, result === 'woken');
      }
      rounds = 0;
    }
  };

  for (;;) {
    const got = rb.pop(staging, staging.length);
    if (got === 0) {
      // Straight to the bounded spin, as consumeTraffic does; it returns at once once closed.
      waitNews();
      // closed first: seeing it shows every push before it (the header's table).
      if (Atomics.load(side, SIDE_CLOSED) !== 0 && rb.empty()) break;
      continue;
    }
    if (
      Atomics.load(side, SIDE_SPACE_WAITER) !== 0 &&
      rb.availableWrite() >= Atomics.load(side, SIDE_SPACE_WANT) &&
      Atomics.exchange(side, SIDE_SPACE_WAITER, 0) !== 0
    ) {
      producerBell.ring();
    }
    const n = got / RAW_RECORD_WORDS;
    if (raw) readRawFromArray(staging, n, digest);
    else h = decodeFromArray(staging, n, m, h);
    received += n;
  }
  const endMs = nowMs();
  const stats = { fullStalls: 0, parks };
  if (raw) return { records: received, checksum: h, startMs, endMs, raw: digest, stats };
  return { records: received, checksum: h, startMs, endMs, stats };
}

/**
 * Synthetic traffic for the ring: a deterministic message stream, a producer loop that encodes it
 * with the real codec, and a consumer loop that decodes, checksums and (optionally) verifies every
 * record against the stream. Used by the thread tests (bench/peers/ring-producer.ts,
 * bench/peers/ring-consumer.ts) and by bench/ring.ts, so both measure and check the same path.
 * With `raw`, the same loops move raw records (raw-records.ts) instead: the ring without the codec.
 *
 * Message i of a stream exercises every field, with times near 2^52 and addresses near 2^53 so the
 * high words are never zero. The checksum (checksumMessage) mixes every decoded field of a record
 * and chains records with one multiply each, so a lost, duplicated or reordered record changes it;
 * with `verify`, the consumer also compares every field of every record with the stream.
 *
 * A side can be held at a record (`hold`), for tests that need one side stopped while the other
 * fills or drains the ring: an explicit hand-off, never a pause of some length. At record
 * `atRecord` the side stores 1 in word HOLD_ARRIVED of `hold.word` (and notifies it), then waits
 * until the test stores 1 in word HOLD_RELEASE (and notifies it). Every wait has a time-out; a side
 * that sees no progress for `stallLimitMs` throws instead of hanging.
 */
import {
  emptyMessage,
  MESSAGE_BYTES,
  type Message,
  readMessage,
  writeMessage,
} from '../../src/transport/codec.js';
import type { RingConsumer, RingProducer } from '../../src/transport/ring.js';
import { type RawDigest, readRawFromRing, writeRawToRing } from './raw-records.js';

export const TRAFFIC_TIME_BASE_TICKS = 2 ** 52;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Longest single blocking call inside the loops, so the stall check runs often. */
const SLICE_MS = 100;
/** Records encoded into the private array per copy into the ring (encodeToRing). */
const ENCODE_CHUNK_RECORDS = 64;
const encodeChunk = new Uint32Array(ENCODE_CHUNK_RECORDS * (MESSAGE_BYTES >> 2));

/** Fill `out` with message `i` of the traffic stream (0 <= i < 2^32). */
export function trafficMessage(i: number, out: Message): Message {
  out.kind = i & 0xff;
  out.flags = (i >>> 8) & 0xff;
  out.source = Math.imul(i, 7) & 0xff;
  out.destination = Math.imul(i, 13) & 0xff;
  out.link = Math.imul(i, 3) & 0xff;
  out.seq = i >>> 0;
  out.timeTicks = TRAFFIC_TIME_BASE_TICKS + i * 1_000_003;
  out.address = Number.MAX_SAFE_INTEGER - i * 4096;
  out.lengthBytes = Math.imul(i, 64) & 0xff_ffff;
  out.lpid = i & 0xfff;
  out.pid = Math.imul(i, 31) & 0xf_ffff;
  out.tag = Math.imul(i, 0x9e3779b1) & 0x3f_ffff;
  return out;
}

/**
 * Fold a decoded message into an order-sensitive checksum: the fields are mixed with independent
 * multiplies (they run in parallel), and only one multiply per record sits on the chain from one
 * record to the next, so the checksum costs a few ns, not the eight serial steps of a byte-wise
 * FNV. Any lost, duplicated, reordered or altered record changes it (up to 2^-32 collisions).
 */
export function checksumMessage(h: number, m: Message): number {
  const time = m.timeTicks;
  const address = m.address;
  const x =
    (m.kind | (m.flags << 8) | (m.source << 16) | (m.destination << 24)) ^
    Math.imul(m.seq, 0x85eb_ca6b) ^
    Math.imul(m.link | (m.lengthBytes << 8), 0xc2b2_ae35) ^
    (m.lpid | (m.pid << 12)) ^
    Math.imul(time >>> 0, 0x27d4_eb2f) ^
    ((time / 4294967296) | 0) ^
    Math.imul(address >>> 0, 0x1656_67b1) ^
    Math.imul(((address / 4294967296) | 0) ^ (m.tag << 10), 0x9e37_79b1);
  return Math.imul(h ^ x, FNV_PRIME);
}

export const CHECKSUM_SEED = FNV_OFFSET;

/** Words of a hold's SharedArrayBuffer (Int32Array indices). */
export const HOLD_ARRIVED = 0;
export const HOLD_RELEASE = 1;

export interface TrafficPacing {
  /** Stop before record `atRecord` until the test releases the hold (see the header). */
  hold?: { atRecord: number; word: SharedArrayBuffer };
  /** Throw when no record moved for this long (default 20 s). */
  stallLimitMs?: number;
  /** Spin rounds before a blocking call parks (default: the endpoint's adaptive budget). */
  spinRounds?: number;
  /**
   * Move raw records (raw-records.ts) instead of codec messages: no drawing, encoding, decoding
   * or checksum per record, so what is measured is the ring. Default false.
   */
  raw?: boolean;
}

export interface TrafficResult {
  records: number;
  checksum: number;
  /** Wall-clock span of the loop: performance.timeOrigin + performance.now(), in ms. */
  startMs: number;
  endMs: number;
  /** Raw mode, consumer side: the digest of the records received (raw-records.ts). */
  raw?: RawDigest;
}

/** A new hold word pair for `hold.word`. */
export function createHold(): SharedArrayBuffer {
  return new SharedArrayBuffer(8);
}

/** The held side: say it arrived, then wait (bounded) for the release. */
function waitAtHold(word: SharedArrayBuffer, limitMs: number, who: string): void {
  const w = new Int32Array(word);
  Atomics.store(w, HOLD_ARRIVED, 1);
  Atomics.notify(w, HOLD_ARRIVED);
  const deadlineMs = performance.now() + limitMs;
  while (Atomics.load(w, HOLD_RELEASE) === 0) {
    const leftMs = deadlineMs - performance.now();
    if (leftMs <= 0) throw new Error(`${who}: held for ${limitMs} ms and never released`);
    Atomics.wait(w, HOLD_RELEASE, 0, leftMs);
  }
}

/** The test: release a held side. */
export function releaseHold(word: SharedArrayBuffer): void {
  const w = new Int32Array(word);
  Atomics.store(w, HOLD_RELEASE, 1);
  Atomics.notify(w, HOLD_RELEASE);
}

/** The test: whether the held side has reached its hold. */
export function holdReached(word: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(word), HOLD_ARRIVED) === 1;
}

const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * Encode messages firstIndex .. firstIndex+count-1 into the ring, `batch` per publish, then close.
 * Returns the FNV checksum of everything sent.
 */
export function produceTraffic(
  producer: RingProducer,
  opts: { count: number; batch: number; firstIndex?: number } & TrafficPacing,
): TrafficResult {
  const { count, batch } = opts;
  const first = opts.firstIndex ?? 0;
  const stallLimitMs = opts.stallLimitMs ?? 20_000;
  const spinRounds = opts.spinRounds; // undefined: the endpoint's adaptive budget
  const hold = opts.hold;
  let held = false;
  const raw = opts.raw ?? false;
  const m = emptyMessage();
  let h = FNV_OFFSET;
  let sent = 0;
  const refillRecords = Math.min(producer.capacityRecords, Math.max(batch, producer.capacityRecords >> 2));
  let lastProgressMs = nowMs();
  const startMs = lastProgressMs;
  while (sent < count) {
    if (hold !== undefined && !held && sent === hold.atRecord) {
      waitAtHold(hold.word, stallLimitMs, 'ring producer');
      held = true;
      lastProgressMs = nowMs();
    }
    // Up to the hold, not past it, so the hold falls between two publishes.
    const limit = hold !== undefined && sent < hold.atRecord ? hold.atRecord : count;
    const want = Math.min(limit - sent, batch);
    const refill = Math.min(limit - sent, refillRecords);
    let n = producer.tryReserve(want);
    if (n < want) {
      // A full ring: wait until a quarter of it is free, not one batch. Refilling a ring as soon
      // as one batch is free keeps both threads on the same cache lines (head, tail and the
      // records just released) on every batch; the hysteresis lets each side run on lines the
      // other left long ago.
      n = producer.reserve(refill, refill, SLICE_MS, spinRounds);
      if (n === 0) {
        if (nowMs() - lastProgressMs > stallLimitMs) {
          throw new Error(`ring producer: no space for ${stallLimitMs} ms after ${sent} of ${count} records`);
        }
        continue;
      }
      lastProgressMs = nowMs();
      if (n > want) n = want;
    }
    if (raw) writeRawToRing(producer, n, first + sent);
    else h = encodeToRing(producer, n, first + sent, m, h);
    producer.publish(n);
    sent += n;
  }
  producer.close();
  return { records: sent, checksum: h, startMs, endMs: nowMs() };
}

/**
 * Drain the ring until the producer closed and everything was released, at most `batch` records
 * per release. With `verify`, every record must equal the next message of the stream (from
 * firstIndex); a mismatch throws naming the record and the field.
 */
export function consumeTraffic(
  consumer: RingConsumer,
  opts: { batch: number; verify?: boolean; firstIndex?: number } & TrafficPacing,
): TrafficResult {
  const { batch } = opts;
  const verify = opts.verify ?? false;
  const first = opts.firstIndex ?? 0;
  const stallLimitMs = opts.stallLimitMs ?? 20_000;
  const spinRounds = opts.spinRounds; // undefined: the endpoint's adaptive budget
  const hold = opts.hold;
  let held = false;
  const raw = opts.raw ?? false;
  const m = emptyMessage();
  const want = emptyMessage();
  let h = FNV_OFFSET;
  const digest: RawDigest = { sum: 0, xor: 0 };
  let received = 0;
  let lastProgressMs = nowMs();
  const startMs = lastProgressMs;
  for (;;) {
    if (hold !== undefined && !held && received === hold.atRecord) {
      waitAtHold(hold.word, stallLimitMs, 'ring consumer');
      held = true;
      lastProgressMs = nowMs();
    }
    let n = consumer.available();
    if (n === 0) {
      // Straight to the bounded spin: every extra look at the producer's line (ended() here)
      // pulls it from the producer's core and slows its next publish.
      n = consumer.waitAvailable(SLICE_MS, spinRounds);
      if (n === 0) {
        if (consumer.ended()) break;
        if (nowMs() - lastProgressMs > stallLimitMs) {
          throw new Error(`ring consumer: no record for ${stallLimitMs} ms after ${received} records`);
        }
        continue;
      }
      lastProgressMs = nowMs();
    }
    if (n > batch) n = batch;
    // Up to the hold, not past it.
    if (hold !== undefined && received < hold.atRecord && received + n > hold.atRecord) {
      n = hold.atRecord - received;
    }
    if (raw) readRawFromRing(consumer, n, digest);
    else h = decodeFromRing(consumer, n, m, h, first + received, verify ? want : null);
    consumer.release(n);
    received += n;
  }
  const endMs = nowMs();
  if (raw) return { records: received, checksum: h, startMs, endMs, raw: digest };
  return { records: received, checksum: h, startMs, endMs };
}

/*
 * The per-record work, one batch per call. The loops above run once per thread for the whole
 * stream, so V8 compiles them on-stack mid-loop and recompiles them when a rare branch (a wait)
 * first runs; a function called once per batch is compiled like any hot function, and its loop is
 * the same code in every run. ringbuf-traffic.ts calls the same functions (the *Array variants).
 */

/**
 * Draw, encode and checksum messages first .. first+n-1 into the reserved records; returns h. They
 * are encoded into a private array, up to ENCODE_CHUNK_RECORDS at a time, and copied into the ring
 * in one burst (RingProducer.writeRecords says why), as the engine's flush does (staged-edge.ts).
 */
function encodeToRing(producer: RingProducer, n: number, first: number, m: Message, h: number): number {
  const chunk = encodeChunk;
  for (let done = 0; done < n; ) {
    const c = Math.min(n - done, ENCODE_CHUNK_RECORDS);
    h = encodeToArray(chunk, c, first + done, m, h);
    producer.writeRecords(chunk, c, done);
    done += c;
  }
  return h;
}

/**
 * Decode and checksum the first n available records, messages first .. first+n-1 of the stream;
 * returns h. With `want` (a scratch message), each is also compared with the stream.
 */
function decodeFromRing(
  consumer: RingConsumer,
  n: number,
  m: Message,
  h: number,
  first: number,
  want: Message | null,
): number {
  const words = consumer.words;
  for (let k = 0; k < n; k++) {
    readMessage(words, consumer.offsetOf(k), m);
    h = checksumMessage(h, m);
    if (want !== null) verifyMessage(m, first + k, want);
  }
  return h;
}

/** encodeToRing into a plain array of n records from word 0 (ringbuf.js's staging array). */
export function encodeToArray(words: Uint32Array, n: number, first: number, m: Message, h: number): number {
  for (let k = 0; k < n; k++) {
    trafficMessage(first + k, m);
    writeMessage(words, k * 32, m);
    h = checksumMessage(h, m);
  }
  return h;
}

/** decodeFromRing from a plain array of n records from word 0 (ringbuf.js's staging array). */
export function decodeFromArray(words: Uint32Array, n: number, m: Message, h: number): number {
  for (let k = 0; k < n; k++) {
    readMessage(words, k * 32, m);
    h = checksumMessage(h, m);
  }
  return h;
}

function verifyMessage(got: Message, i: number, want: Message): void {
  trafficMessage(i, want);
  if (
    got.seq !== want.seq ||
    got.timeTicks !== want.timeTicks ||
    got.address !== want.address ||
    got.tag !== want.tag ||
    got.kind !== want.kind ||
    got.flags !== want.flags ||
    got.source !== want.source ||
    got.destination !== want.destination ||
    got.link !== want.link ||
    got.lengthBytes !== want.lengthBytes ||
    got.lpid !== want.lpid ||
    got.pid !== want.pid
  ) {
    for (const key of Object.keys(want) as (keyof Message)[]) {
      if (got[key] !== want[key]) {
        throw new Error(
          `ring consumer: record ${i} has ${key} = ${got[key]}, expected ${want[key]} (seq ${got.seq}): lost, duplicated or reordered`,
        );
      }
    }
  }
}

/**
 * A ring's buffer (ring.ts has the ring's theory of operation): made by createRingBuffer, which
 * writes the header's identity words (magic, layout version, capacity, record bytes) before the
 * buffer is handed to any other thread; checked by every endpoint that attaches to it
 * (attachGeometry), and its counters read by anyone (readRingStats). Besides the identity words,
 * written once before the hand-off, this module only reads: each endpoint's counters are written
 * by that endpoint alone (layout.ts names the writer of every field), and a reader from another
 * thread may see them a moment old, never torn in practice (each is one aligned 8-byte store,
 * single-copy atomic in V8 on x86-64 and arm64, which the language does not promise for floats).
 */
import { expected } from '../core/expected.js';
import * as layout from './layout.js';

// Module-local bindings of the layout's constants, by what they name (ring.ts says why not imports).
const { I32_MAGIC, I32_VERSION, I32_CAPACITY, I32_RECORD_BYTES, RING_MAGIC, RING_LAYOUT_VERSION } = layout;
const { MIN_CAPACITY_RECORDS, MAX_CAPACITY_RECORDS, MIN_RECORD_BYTES, MAX_RECORD_BYTES } = layout;
const { DEFAULT_RECORD_BYTES, RECORDS_OFFSET_BYTES, ringBufferBytes } = layout;
const { F64_P_RECORDS, F64_P_BATCHES, F64_P_FULL_STALLS, F64_P_PARKS, F64_P_WAKEUPS, F64_P_NOTIFIES } =
  layout;
const { F64_C_RECORDS, F64_C_BATCHES, F64_C_HIGH_WATER, F64_C_PARKS, F64_C_WAKEUPS, F64_C_NOTIFIES } = layout;

export interface RingOptions {
  /** Slots in the ring: a power of two from 2 to 2^24. */
  capacityRecords: number;
  /** Bytes per record: a multiple of 8 from 8 to 4096. Default 32 (one codec message). */
  recordBytes?: number;
}

/** Counters of one ring, readable from any thread (they live in the ring's buffer). */
export interface RingStats {
  /** Records published by the producer. */
  records: number;
  /** publish() calls that published at least one record. */
  batches: number;
  /** Times the producer found the ring full (a tryReserve returning 0, or a reserve that waited). */
  fullStalls: number;
  /** Parks on this ring's behalf: producerParks + consumerParks. */
  parks: number;
  /** Parks ended by the other side's ring(): producerWakeups + consumerWakeups. */
  wakeups: number;
  /** Largest occupancy the consumer observed in available(). */
  highWaterRecords: number;
  capacityRecords: number;
  /** Records and batches released by the consumer. */
  releasedRecords: number;
  releasedBatches: number;
  /** Producer parks waiting for space on this ring, and how many a release ended. */
  producerParks: number;
  producerWakeups: number;
  /** Consumer parks through waitAvailable(), and how many a publish/close/safe time ended. */
  consumerParks: number;
  consumerWakeups: number;
  /** Atomics.notify calls this ring's endpoints made (producer->consumer plus consumer->producer). */
  notifies: number;
}

/** A new, empty ring buffer; hand it (with both doorbells) to the producing and consuming threads. */
export function createRingBuffer(opts: RingOptions): SharedArrayBuffer {
  if (typeof opts !== 'object' || opts === null) {
    throw expected('opts', 'an object { capacityRecords, recordBytes? }', opts);
  }
  const capacityRecords = opts.capacityRecords;
  const recordBytes = opts.recordBytes ?? DEFAULT_RECORD_BYTES;
  checkCapacity(capacityRecords);
  checkRecordBytes(recordBytes);
  const buffer = new SharedArrayBuffer(ringBufferBytes(capacityRecords, recordBytes));
  const i32 = new Int32Array(buffer, 0, RECORDS_OFFSET_BYTES / 4);
  i32[I32_MAGIC] = RING_MAGIC;
  i32[I32_VERSION] = RING_LAYOUT_VERSION;
  i32[I32_CAPACITY] = capacityRecords;
  i32[I32_RECORD_BYTES] = recordBytes;
  return buffer;
}

function checkCapacity(capacityRecords: unknown): asserts capacityRecords is number {
  const powerOfTwo = (n: number) => (n & (n - 1)) === 0;
  const want = 'a power of two from 2 to 2^24';
  checkGeometry(
    'capacityRecords',
    capacityRecords,
    MIN_CAPACITY_RECORDS,
    MAX_CAPACITY_RECORDS,
    powerOfTwo,
    want,
  );
}

function checkRecordBytes(recordBytes: unknown): asserts recordBytes is number {
  const want = `a multiple of 8 from ${MIN_RECORD_BYTES} to ${MAX_RECORD_BYTES}`;
  checkGeometry('recordBytes', recordBytes, MIN_RECORD_BYTES, MAX_RECORD_BYTES, (n) => n % 8 === 0, want);
}

/** `value` is an integer from `min` to `max` for which `ok` holds, or the error names `name`. */
function checkGeometry(
  name: string,
  value: unknown,
  min: number,
  max: number,
  ok: (n: number) => boolean,
  want: string,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max || !ok(value)) {
    throw expected(name, want, value);
  }
}

export interface Geometry {
  capacityRecords: number;
  recordBytes: number;
}

/** Validate that `buffer` is a ring made by createRingBuffer and read its geometry. */
export function attachGeometry(buffer: unknown): Geometry {
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw expected('buffer', 'a SharedArrayBuffer from createRingBuffer()', buffer);
  }
  if (buffer.byteLength < RECORDS_OFFSET_BYTES) {
    throw expected('buffer', `at least ${RECORDS_OFFSET_BYTES} bytes (the ring header)`, buffer);
  }
  const i32 = new Int32Array(buffer, 0, RECORDS_OFFSET_BYTES / 4);
  if (Atomics.load(i32, I32_MAGIC) !== RING_MAGIC || Atomics.load(i32, I32_VERSION) !== RING_LAYOUT_VERSION) {
    throw expected('buffer', `a ring buffer of layout version ${RING_LAYOUT_VERSION} (magic 'RING')`, buffer);
  }
  const capacityRecords = Atomics.load(i32, I32_CAPACITY);
  const recordBytes = Atomics.load(i32, I32_RECORD_BYTES);
  checkCapacity(capacityRecords);
  checkRecordBytes(recordBytes);
  const needBytes = ringBufferBytes(capacityRecords, recordBytes);
  if (buffer.byteLength < needBytes) {
    throw expected(
      'buffer',
      `${needBytes} bytes for ${capacityRecords} records of ${recordBytes} bytes plus the header`,
      buffer,
    );
  }
  return { capacityRecords, recordBytes };
}

export function checkCount(name: string, n: number, lo: number, hi: number): void {
  if ((n | 0) !== n || n < lo || n > hi) throw expected(name, `an integer from ${lo} to ${hi}`, n);
}

/**
 * A wait's bound: finite, so a peer that never moves ends the wait in an error, not a hang (a
 * wait with no end was allowed; no caller asked for one).
 */
export function checkTimeout(timeoutMs: number): void {
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw expected('timeoutMs', 'a finite number of milliseconds from 0', timeoutMs);
  }
}

/** Stats of the ring in `buffer`, from any thread, without an endpoint. */
export function readRingStats(buffer: SharedArrayBuffer): RingStats {
  const { capacityRecords } = attachGeometry(buffer);
  return statsOf(new Float64Array(buffer, 0, RECORDS_OFFSET_BYTES / 8), capacityRecords);
}

export function statsOf(f64: Float64Array, capacityRecords: number): RingStats {
  const producerParks = f64[F64_P_PARKS]!;
  const consumerParks = f64[F64_C_PARKS]!;
  const producerWakeups = f64[F64_P_WAKEUPS]!;
  const consumerWakeups = f64[F64_C_WAKEUPS]!;
  return {
    records: f64[F64_P_RECORDS]!,
    batches: f64[F64_P_BATCHES]!,
    fullStalls: f64[F64_P_FULL_STALLS]!,
    parks: producerParks + consumerParks,
    wakeups: producerWakeups + consumerWakeups,
    highWaterRecords: f64[F64_C_HIGH_WATER]!,
    capacityRecords,
    releasedRecords: f64[F64_C_RECORDS]!,
    releasedBatches: f64[F64_C_BATCHES]!,
    producerParks,
    producerWakeups,
    consumerParks,
    consumerWakeups,
    notifies: f64[F64_P_NOTIFIES]! + f64[F64_C_NOTIFIES]!,
  };
}

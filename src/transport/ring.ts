/**
 * The single-producer single-consumer ring over a SharedArrayBuffer: the hot path that carries every
 * message between the engine's worker threads (design.md "Architecture": one SPSC ring per directed
 * edge). layout.ts draws the buffer and names every field, its writer and its publishing store.
 *
 * Theory of operation
 * -------------------
 * Producer: tryReserve(max) / reserve(min, max, t) claims up to max free slots from `tail`; the
 * caller writes records at offsetOf(0..n-1); publish(n) makes the first n visible with ONE
 * Atomics.store of `tail`, then rings the consumer's doorbell (a single load unless it is parked).
 * Consumer: available() loads `tail` (only when every record it saw last time is released); the
 * caller reads records at offsetOf(0..n-1); release(n) frees them with ONE Atomics.store of `head`,
 * then rings the producer's doorbell only if the producer armed the ring's space-waiter word for a
 * target that this release reached.
 * No allocation per record or per batch: offsets are computed, records are read and written in place
 * (codec.ts), and the closures handed to Doorbell.park are made once per endpoint. (A safe-time
 * publish makes one BigInt for its 64-bit store; the consumer converts only when the sequence word
 * says it changed.)
 *
 * Backpressure: a full ring never drops or overwrites. tryReserve returns 0; reserve spins a bounded
 * number of rounds, then arms the space-waiter word and parks on the producer's own doorbell.
 *
 * Why the producer's space wake-up is never lost (P = producer, C = consumer; all SC atomics):
 *  1. P stores the head it waits for, wakeHead (T), then spaceWaiter = 1 (W), then parks: stores
 *     its bell PARKED (S), then loads head (R).
 *  2. C stores head (H), loads spaceWaiter (F) and, if 1, wakeHead; only if head reached it does C
 *     exchange spaceWaiter to 0 and ring P's bell. Take H* the first release that reaches T.
 *  3. If F* saw 0, then F* < W (nobody cleared it: an exchange needs head >= T, first reached at
 *     H*), so H* < F* < W < S < R: P's ready() sees the space and never sleeps.
 *  4. If F* saw 1, it also sees T (T < W < F*) and rings the bell after H*; doorbell.ts shows that
 *     ring() after a publishing store either is seen by ready() or wakes the parked owner.
 *  5. A release that clears a flag armed for a later wait (it read an older target) still rings
 *     after clearing, so P re-checks and re-arms: a clear is never silent.
 * The consumer's wake-up for records, safe time and close follows doorbell.ts directly: the
 * producer's publishing store (tail, safe time, closed) precedes its ring().
 *
 * Close: the producer's close() stores `closed` after its last tail store and rings the consumer;
 * ended() loads `closed` first, then `tail`, so once it sees closed it sees every record published
 * before the close. The consumer's abandon() is the reverse direction: the producer's next reserve
 * (and a producer parked on a full ring) throws instead of waiting forever.
 */
import { assert } from '../core/errors.js';
import { expected } from '../core/expected.js';
import { AdaptiveSpin } from './adaptive-spin.js';
import type { Doorbell } from './doorbell.js';
import * as layout from './layout.js';

/*
 * The layout's constants as module-local bindings, not named imports. V8 (Node 20) does not fold an
 * imported binding into optimised code: every use of one reloads it from the exporting module and
 * checks that it is initialised, and as an index into a typed array or an Atomics call that cost the
 * hot path about a third of its throughput (publish, release and offsetOf use them once per batch
 * or per record; measured with a minimal ring beside this one, and in bench/ring.ts's raw rows).
 * A module-local const initialised from the import is as fast as a literal.
 */
const {
  DEFAULT_RECORD_BYTES,
  F64_C_BATCHES,
  F64_C_HIGH_WATER,
  F64_C_NOTIFIES,
  F64_C_PARKS,
  F64_C_RECORDS,
  F64_C_WAKEUPS,
  F64_P_BATCHES,
  F64_P_FULL_STALLS,
  F64_P_NOTIFIES,
  F64_P_PARKS,
  F64_P_RECORDS,
  F64_P_WAKEUPS,
  I32_ABANDONED,
  I32_CAPACITY,
  I32_CLOSED,
  I32_HEAD,
  I32_MAGIC,
  I32_RECORD_BYTES,
  I32_SAFE_SEQ,
  I32_SPACE_WAITER,
  I32_SPACE_WAKE_HEAD,
  I32_TAIL,
  I32_VERSION,
  I64_SAFE_TIME,
  MAX_CAPACITY_RECORDS,
  MAX_RECORD_BYTES,
  MAX_SAFE_TIME_TICKS,
  MIN_CAPACITY_RECORDS,
  MIN_RECORD_BYTES,
  RECORDS_OFFSET_BYTES,
  RING_LAYOUT_VERSION,
  RING_MAGIC,
  ringBufferBytes,
  SAFE_TIME_NEVER,
} = layout;

/**
 * Initial spin rounds before a blocking call parks (then adapted per endpoint, adaptive-spin.ts).
 * A round is a ~100 ns pause (doorbell.ts) and one check of the wake condition: 256 rounds are
 * some tens of microseconds, about the cost of one park and wake-up here (~37 us, design.md), so
 * spinning never costs more than about twice what parking at once would have (the classic
 * spin-then-park bound), and a busy partner is caught without a syscall.
 */
export const DEFAULT_SPIN_ROUNDS = 256;
/** Longest single Atomics.wait inside a blocking call, so terminate() and deadlines stay prompt. */
const PARK_SLICE_MS = 50;

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
  if (
    typeof capacityRecords !== 'number' ||
    !Number.isInteger(capacityRecords) ||
    capacityRecords < MIN_CAPACITY_RECORDS ||
    capacityRecords > MAX_CAPACITY_RECORDS ||
    (capacityRecords & (capacityRecords - 1)) !== 0
  ) {
    throw expected('capacityRecords', 'a power of two from 2 to 2^24', capacityRecords);
  }
}

function checkRecordBytes(recordBytes: unknown): asserts recordBytes is number {
  if (
    typeof recordBytes !== 'number' ||
    !Number.isInteger(recordBytes) ||
    recordBytes < MIN_RECORD_BYTES ||
    recordBytes > MAX_RECORD_BYTES ||
    recordBytes % 8 !== 0
  ) {
    throw expected(
      'recordBytes',
      `a multiple of 8 from ${MIN_RECORD_BYTES} to ${MAX_RECORD_BYTES}`,
      recordBytes,
    );
  }
}

interface Geometry {
  capacityRecords: number;
  recordBytes: number;
}

/** Validate that `buffer` is a ring made by createRingBuffer and read its geometry. */
function attachGeometry(buffer: unknown): Geometry {
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

function checkCount(name: string, n: number, lo: number, hi: number): void {
  if ((n | 0) !== n || n < lo || n > hi) throw expected(name, `an integer from ${lo} to ${hi}`, n);
}

function checkTimeout(timeoutMs: number): void {
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw expected('timeoutMs', 'a number of milliseconds from 0 (Infinity allowed)', timeoutMs);
  }
}

/** Stats of the ring in `buffer`, from any thread, without an endpoint. */
export function readRingStats(buffer: SharedArrayBuffer): RingStats {
  const { capacityRecords } = attachGeometry(buffer);
  return statsOf(new Float64Array(buffer, 0, RECORDS_OFFSET_BYTES / 8), capacityRecords);
}

function statsOf(f64: Float64Array, capacityRecords: number): RingStats {
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

/** Thrown by the producer when the consumer abandoned the ring. */
export class RingClosedError extends Error {
  override readonly name = 'RingClosedError';
}

/** The producing end of a ring. One per ring, used by one thread. */
export class RingProducer {
  readonly recordBytes: number;
  readonly capacityRecords: number;
  /** Over the whole ring buffer; records are addressed by offsetOf(i). */
  readonly view: DataView;
  /** The same bytes as 32-bit words (index = offsetOf(i) / 4): what codec.ts reads and writes. */
  readonly words: Uint32Array;
  readonly buffer: SharedArrayBuffer;
  private readonly i32: Int32Array;
  private readonly i64: BigInt64Array;
  private readonly f64: Float64Array;
  private readonly consumerBell: Doorbell;
  private readonly producerBell: Doorbell;
  private readonly mask: number;
  /** Local copy of the published tail (int32, wraps). Only this endpoint writes the shared one. */
  private tail = 0;
  /** Last head loaded from the consumer's line: free space is at least capacity - (tail - headSeen). */
  private headSeen = 0;
  /** Records reserved from `tail` and not yet published. */
  private reserved = 0;
  private closed = false;
  private lastSafeTime = 0;
  private wantFree = 0;
  private readonly spaceReady: () => boolean;
  /** Spin budget of reserve() when the caller gives none (adaptive-spin.ts). */
  private readonly spin = new AdaptiveSpin(DEFAULT_SPIN_ROUNDS);
  private records = 0;
  private batches = 0;
  private fullStalls = 0;
  private parks = 0;
  private wakeups = 0;
  private notifies = 0;

  constructor(buffer: SharedArrayBuffer, consumerBell: Doorbell, producerBell: Doorbell) {
    const { capacityRecords, recordBytes } = attachGeometry(buffer);
    this.buffer = buffer;
    this.capacityRecords = capacityRecords;
    this.recordBytes = recordBytes;
    this.mask = capacityRecords - 1;
    this.view = new DataView(buffer);
    this.words = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer, 0, RECORDS_OFFSET_BYTES / 4);
    this.i64 = new BigInt64Array(buffer, 0, RECORDS_OFFSET_BYTES / 8);
    this.f64 = new Float64Array(buffer, 0, RECORDS_OFFSET_BYTES / 8);
    this.consumerBell = consumerBell;
    this.producerBell = producerBell;
    this.tail = Atomics.load(this.i32, I32_TAIL);
    this.headSeen = Atomics.load(this.i32, I32_HEAD);
    assert(
      Atomics.load(this.i32, I32_CLOSED) === 0,
      'ring: a producer attached to a ring that was already closed',
    );
    this.spaceReady = () =>
      this.refreshFree() >= this.wantFree || Atomics.load(this.i32, I32_ABANDONED) !== 0;
  }

  /** Free slots now (loads the consumer's head). */
  free(): number {
    return this.refreshFree();
  }

  private refreshFree(): number {
    this.headSeen = Atomics.load(this.i32, I32_HEAD);
    return this.capacityRecords - ((this.tail - this.headSeen) | 0);
  }

  /** Non-blocking: reserve up to `max` records from the tail; returns how many (0 when full). */
  tryReserve(max: number): number {
    if ((max | 0) !== max || max < 1) throw expected('max', 'an integer from 1 up', max);
    if (this.closed) throw new RingClosedError('ring: tryReserve() after close()');
    let free = this.capacityRecords - ((this.tail - this.headSeen) | 0);
    if (free < max) {
      free = this.refreshFree();
      if (Atomics.load(this.i32, I32_ABANDONED) !== 0) {
        throw new RingClosedError('ring: the consumer abandoned this ring; nothing more can be sent');
      }
      if (free === 0) {
        this.reserved = 0;
        this.f64[F64_P_FULL_STALLS] = ++this.fullStalls;
        return 0;
      }
    }
    const n = Math.min(max, free);
    this.reserved = n;
    return n;
  }

  /**
   * Blocking: reserve at least `min` and up to `max` records. Spins `spinRounds` rounds (default:
   * this endpoint's adaptive budget, adaptive-spin.ts), then parks
   * on this thread's doorbell (armed so the consumer's next release rings it) until enough space
   * is free; returns the count reserved, or 0 after timeoutMs. Throws RingClosedError if the
   * consumer abandoned the ring.
   */
  reserve(min: number, max: number, timeoutMs: number, spinRounds?: number): number {
    checkCount('min', min, 1, this.capacityRecords);
    checkCount('max', max, min, 0x7fffffff);
    checkTimeout(timeoutMs);
    const first = this.tryReserve(max);
    if (first >= min) return first;
    if (first !== 0) this.f64[F64_P_FULL_STALLS] = ++this.fullStalls; // full for `min`, not empty
    this.reserved = 0;
    this.wantFree = min;
    const startMs = performance.now();
    const deadlineMs = startMs + timeoutMs;
    let spin = spinRounds ?? this.spin.rounds;
    for (;;) {
      if (Atomics.load(this.i32, I32_ABANDONED) !== 0) {
        Atomics.store(this.i32, I32_SPACE_WAITER, 0);
        throw new RingClosedError(
          'ring: the consumer abandoned this ring while the producer waited for space',
        );
      }
      if (this.refreshFree() >= min) {
        Atomics.store(this.i32, I32_SPACE_WAITER, 0);
        return this.tryReserve(max);
      }
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0) {
        Atomics.store(this.i32, I32_SPACE_WAITER, 0);
        return 0;
      }
      // Arm (step 1 of the header's argument), then park; the park re-checks spaceReady after
      // marking itself parked, so a release between the check above and here is not missed.
      this.armSpaceWake(min);
      const result = this.producerBell.park(this.spaceReady, Math.min(leftMs, PARK_SLICE_MS), spin);
      if (result !== 'ready') {
        this.f64[F64_P_PARKS] = ++this.parks;
        if (result === 'woken') this.f64[F64_P_WAKEUPS] = ++this.wakeups;
        if (spinRounds === undefined && spin !== 0) {
          this.spin.afterPark(performance.now() - startMs, result === 'woken');
        }
      }
      spin = 0;
    }
  }

  /**
   * Arm the space-waiter word: the first consumer release() after which at least `minFree` slots
   * are free rings this thread's doorbell (releases that free less do not, so a producer waiting
   * for a large refill is not woken per batch). For a thread that parks on its doorbell for
   * several reasons at once (the engine), after tryReserve returned too little; reserve() does
   * this itself. Reserve nothing between arming and parking (the target is taken from the tail).
   */
  armSpaceWake(minFree = 1): void {
    checkCount('minFree', minFree, 1, this.capacityRecords);
    // The head position at which `minFree` slots are free; stored before the flag that makes the
    // consumer read it.
    Atomics.store(this.i32, I32_SPACE_WAKE_HEAD, (this.tail + minFree - this.capacityRecords) | 0);
    Atomics.store(this.i32, I32_SPACE_WAITER, 1);
  }

  /** Byte offset, in `view`/`words`, of the i-th record of the current reservation (i from 0). */
  offsetOf(i: number): number {
    return RECORDS_OFFSET_BYTES + ((this.tail + i) & this.mask) * this.recordBytes;
  }

  /** Records reserved and not yet published. */
  reservedRecords(): number {
    return this.reserved;
  }

  /**
   * Publish the first n reserved records with one store; rings the consumer's bell if parked,
   * unless `notify` is false: a caller that knows the consumer cannot use these records yet (the
   * engine: records never fall below the consumer's horizon, see worker-loop.ts) saves the notify.
   * The store still happens, and the consumer's ready() check still sees it.
   */
  publish(n: number, notify = true): void {
    if ((n | 0) !== n || n < 1 || n > this.reserved) {
      if (this.closed) throw new RingClosedError('ring: publish() after close()');
      throw expected('n', `an integer from 1 to ${this.reserved} (the records reserved)`, n);
    }
    const tail = (this.tail + n) | 0;
    this.tail = tail;
    this.reserved -= n;
    Atomics.store(this.i32, I32_TAIL, tail);
    const f64 = this.f64;
    this.records += n;
    f64[F64_P_RECORDS] = this.records;
    f64[F64_P_BATCHES] = ++this.batches;
    if (notify && this.consumerBell.ring()) f64[F64_P_NOTIFIES] = ++this.notifies;
  }

  /**
   * Publish the producer's safe time: no record it publishes later carries a time below `t`.
   * `t` is an integer tick from 0 to 2^53, or +Infinity ("never again"); it never decreases.
   * `notify` false skips the doorbell (as for publish): for a consumer that this advance cannot help.
   */
  publishSafeTime(t: number, notify = true): void {
    if (t !== Number.POSITIVE_INFINITY && !(Number.isInteger(t) && t >= 0 && t <= MAX_SAFE_TIME_TICKS)) {
      throw expected('t', 'an integer tick from 0 to 2^53, or Infinity', t);
    }
    if (t < this.lastSafeTime) {
      throw expected('t', `a safe time of at least ${this.lastSafeTime} (safe time never decreases)`, t);
    }
    if (t === this.lastSafeTime) return;
    this.lastSafeTime = t;
    Atomics.store(this.i64, I64_SAFE_TIME, t === Number.POSITIVE_INFINITY ? SAFE_TIME_NEVER : BigInt(t));
    Atomics.add(this.i32, I32_SAFE_SEQ, 1);
    if (notify && this.consumerBell.ring()) this.f64[F64_P_NOTIFIES] = ++this.notifies;
  }

  /** The last safe time this producer published. */
  publishedSafeTime(): number {
    return this.lastSafeTime;
  }

  /** No more records: the consumer drains what remains and then sees ended(). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.reserved = 0;
    Atomics.store(this.i32, I32_CLOSED, 1);
    if (this.consumerBell.ring()) this.f64[F64_P_NOTIFIES] = ++this.notifies;
  }

  stats(): RingStats {
    return statsOf(this.f64, this.capacityRecords);
  }
}

/** The consuming end of a ring. One per ring, used by one thread. */
export class RingConsumer {
  readonly recordBytes: number;
  readonly capacityRecords: number;
  readonly view: DataView;
  /** The same bytes as 32-bit words (index = offsetOf(i) / 4): what codec.ts reads and writes. */
  readonly words: Uint32Array;
  readonly buffer: SharedArrayBuffer;
  private readonly i32: Int32Array;
  private readonly i64: BigInt64Array;
  private readonly f64: Float64Array;
  private readonly consumerBell: Doorbell;
  private readonly producerBell: Doorbell;
  private readonly mask: number;
  /** Local copy of the released head (int32, wraps). Only this endpoint writes the shared one. */
  private head = 0;
  /** Records published and not released, as of the last available(). */
  private seen = 0;
  private safeSeqSeen = 0;
  private safe = 0;
  private highWater = 0;
  private records = 0;
  private batches = 0;
  private parks = 0;
  private wakeups = 0;
  private notifies = 0;
  private readonly newsReady: () => boolean;
  /** Spin budget of waitAvailable() when the caller gives none (adaptive-spin.ts). */
  private readonly spin = new AdaptiveSpin(DEFAULT_SPIN_ROUNDS);

  constructor(buffer: SharedArrayBuffer, consumerBell: Doorbell, producerBell: Doorbell) {
    const { capacityRecords, recordBytes } = attachGeometry(buffer);
    this.buffer = buffer;
    this.capacityRecords = capacityRecords;
    this.recordBytes = recordBytes;
    this.mask = capacityRecords - 1;
    this.view = new DataView(buffer);
    this.words = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer, 0, RECORDS_OFFSET_BYTES / 4);
    this.i64 = new BigInt64Array(buffer, 0, RECORDS_OFFSET_BYTES / 8);
    this.f64 = new Float64Array(buffer, 0, RECORDS_OFFSET_BYTES / 8);
    this.consumerBell = consumerBell;
    this.producerBell = producerBell;
    this.head = Atomics.load(this.i32, I32_HEAD);
    this.newsReady = () => this.hasNews();
  }

  /**
   * Records published and not yet released: a snapshot, never more than there are. While records
   * seen by the last load of `tail` remain unreleased it returns those without loading `tail`
   * again (so the producer's line is not pulled on every batch); once they are released it loads
   * `tail`, so 0 always means "empty as of now". Re-check after release.
   */
  available(): number {
    if (this.seen > 0) return this.seen;
    return this.refresh();
  }

  /** available() that always loads the producer's tail. */
  refresh(): number {
    const n = (Atomics.load(this.i32, I32_TAIL) - this.head) | 0;
    if (n > this.highWater) {
      assert(
        n <= this.capacityRecords,
        `ring: ${n} records published in a ring of ${this.capacityRecords}: the producer overran the consumer`,
      );
      this.highWater = n;
      this.f64[F64_C_HIGH_WATER] = n;
    }
    this.seen = n;
    return n;
  }

  /** Byte offset of the i-th available record. */
  offsetOf(i: number): number {
    return RECORDS_OFFSET_BYTES + ((this.head + i) & this.mask) * this.recordBytes;
  }

  /** Release the first n available records with one store; rings the producer's bell if it waits. */
  release(n: number): void {
    if ((n | 0) !== n || n < 1 || n > this.seen) {
      throw expected('n', `an integer from 1 to ${this.seen} (the records last seen available)`, n);
    }
    const head = (this.head + n) | 0;
    this.head = head;
    this.seen -= n;
    const i32 = this.i32;
    Atomics.store(i32, I32_HEAD, head);
    const f64 = this.f64;
    this.records += n;
    f64[F64_C_RECORDS] = this.records;
    f64[F64_C_BATCHES] = ++this.batches;
    if (
      Atomics.load(i32, I32_SPACE_WAITER) !== 0 &&
      ((head - Atomics.load(i32, I32_SPACE_WAKE_HEAD)) | 0) >= 0 &&
      Atomics.exchange(i32, I32_SPACE_WAITER, 0) !== 0
    ) {
      if (this.producerBell.ring()) f64[F64_C_NOTIFIES] = ++this.notifies;
    }
  }

  /** The producer's last published safe time (ticks; +Infinity once it will never send again). */
  safeTime(): number {
    const seq = Atomics.load(this.i32, I32_SAFE_SEQ);
    if (seq !== this.safeSeqSeen) {
      this.safeSeqSeen = seq;
      const raw = Atomics.load(this.i64, I64_SAFE_TIME);
      this.safe = raw === SAFE_TIME_NEVER ? Number.POSITIVE_INFINITY : Number(raw);
    }
    return this.safe;
  }

  /** True once the producer closed AND every record was released. */
  ended(): boolean {
    // closed first: seeing it orders every tail store before it (see the header).
    return Atomics.load(this.i32, I32_CLOSED) !== 0 && Atomics.load(this.i32, I32_TAIL) === this.head;
  }

  /** True when the producer closed (records may remain). */
  closed(): boolean {
    return Atomics.load(this.i32, I32_CLOSED) !== 0;
  }

  /**
   * Anything for the consumer to act on: records, a safe time it has not read, or a close. The
   * natural `ready()` for a Doorbell.park over several inbound rings.
   */
  hasNews(): boolean {
    const i32 = this.i32;
    return (
      Atomics.load(i32, I32_TAIL) !== this.head ||
      Atomics.load(i32, I32_SAFE_SEQ) !== this.safeSeqSeen ||
      Atomics.load(i32, I32_CLOSED) !== 0
    );
  }

  /**
   * Blocking convenience for a thread with this one inbound ring: spin (`spinRounds`, default this
   * endpoint's adaptive budget, adaptive-spin.ts), then park on the consumer
   * doorbell until records are available, the safe time moved, or the producer closed; returns
   * available(): 0 when ended(), when only the safe time moved (it reads it, so the next call can
   * park), or after timeoutMs.
   */
  waitAvailable(timeoutMs: number, spinRounds?: number): number {
    checkTimeout(timeoutMs);
    if (this.seen > 0) return this.seen;
    const startMs = performance.now();
    const deadlineMs = startMs + timeoutMs;
    let spin = spinRounds ?? this.spin.rounds;
    for (;;) {
      if (this.hasNews()) {
        this.safeTime(); // consume the safe-time news so the next call can park again
        return this.available();
      }
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0) return 0;
      const result = this.consumerBell.park(this.newsReady, Math.min(leftMs, PARK_SLICE_MS), spin);
      if (result !== 'ready') {
        this.f64[F64_C_PARKS] = ++this.parks;
        if (result === 'woken') this.f64[F64_C_WAKEUPS] = ++this.wakeups;
        if (spinRounds === undefined && spin !== 0) {
          this.spin.afterPark(performance.now() - startMs, result === 'woken');
        }
      }
      spin = 0;
    }
  }

  /** The consumer gives up: the producer's next reserve, or a parked one, throws RingClosedError. */
  abandon(): void {
    Atomics.store(this.i32, I32_ABANDONED, 1);
    if (this.producerBell.ring()) this.f64[F64_C_NOTIFIES] = ++this.notifies;
  }

  stats(): RingStats {
    return statsOf(this.f64, this.capacityRecords);
  }
}

/**
 * The producing end of a ring (ring.ts has the theory of operation: the steps P of the
 * space-wake argument, and close). It alone writes `tail`, the safe time and its sequence word,
 * `closed`, the space-waiter target and the F64_P_* counters; it publishes records with one
 * Atomics.store of `tail`, and reads the consumer's `head` and `abandoned` with Atomics.load.
 */

import { assert } from '../core/errors.js';
import { expected } from '../core/expected.js';
import type { Doorbell } from './doorbell.js';
import * as layout from './layout.js';
import { checkCount, checkTimeout } from './ring-buffer.js';
import { RingClosedError, RingEndpoint } from './ring-endpoint.js';

// Module-local bindings of the layout's constants, by what they name (ring.ts says why not imports).
const { I32_TAIL, I32_HEAD, I32_CLOSED, I32_ABANDONED, RECORDS_OFFSET_BYTES } = layout;
const { I32_SPACE_WAITER, I32_SPACE_WAKE_HEAD } = layout;
const { I32_SAFE_SEQ, I64_SAFE_TIME, SAFE_TIME_NEVER, MAX_SAFE_TIME_TICKS } = layout;
const { F64_P_RECORDS, F64_P_BATCHES, F64_P_FULL_STALLS, F64_P_PARKS, F64_P_WAKEUPS, F64_P_NOTIFIES } =
  layout;

/** The producing end of a ring. One per ring, used by one thread. */
export class RingProducer extends RingEndpoint {
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
  private records = 0;
  private batches = 0;
  private fullStalls = 0;

  constructor(buffer: SharedArrayBuffer, consumerBell: Doorbell, producerBell: Doorbell) {
    super(buffer, consumerBell, producerBell, { parks: F64_P_PARKS, wakeups: F64_P_WAKEUPS });
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
      this.parkOnce(this.producerBell, this.spaceReady, leftMs, spin, spinRounds === undefined, startMs);
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

  /**
   * Copy records 0 .. n-1 of `src` (recordBytes / 4 words each, from word 0) into reserved slots
   * at .. at+n-1: one burst of plain stores, at most two contiguous spans (the wrap).
   *
   * Why a caller encodes into a private array and copies, rather than encoding in place: the
   * slots' cache lines were read by the consumer one lap earlier, so each store to them waits for
   * the line to come back. Interleaved with per-record work (drawing and encoding a message),
   * those waits add up record by record; in one burst they overlap. `npm run bench -- ring`, codec
   * rows, on one machine an hour apart: the producer encoding in place moved 13.8 M records/s at
   * batch 16 and 17.3 at batch 256, encoding into a private batch and copying with this method
   * 19.6 and 29.0 (ringbuf.js, which copies from a private array by design, 16.6 to 16.9 and 29.4
   * in those runs; bench/README.md "Ring"). The consumer's side gained nothing from copying out first (14.9
   * and 18.5), so there is no readRecords.
   */
  writeRecords(src: Uint32Array, n: number, at = 0): void {
    const reserved = this.reserved;
    if ((n | 0) !== n || n < 1 || n > reserved) {
      throw expected('n', `an integer from 1 to ${reserved} (the records reserved)`, n);
    }
    if ((at | 0) !== at || at < 0 || at + n > reserved) {
      throw expected(
        'at',
        `an integer from 0 to ${reserved - n} (${n} records from it, of ${reserved} reserved)`,
        at,
      );
    }
    const recordWords = this.recordBytes >> 2;
    if (src.length < n * recordWords) {
      throw expected('src', `at least ${n * recordWords} words (${n} records)`, `${src.length} words`);
    }
    const words = this.words;
    const slot = (this.tail + at) & this.mask;
    const first = Math.min(n, this.capacityRecords - slot);
    let w = (RECORDS_OFFSET_BYTES >> 2) + slot * recordWords;
    const firstEnd = first * recordWords;
    for (let s = 0; s < firstEnd; s++) words[w++] = src[s]!;
    w = RECORDS_OFFSET_BYTES >> 2;
    const end = n * recordWords;
    for (let s = firstEnd; s < end; s++) words[w++] = src[s]!;
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

  /** True while the consumer's thread is marked parked on its doorbell (one load). */
  consumerParked(): boolean {
    return this.consumerBell.isParked();
  }

  /**
   * Ring the consumer's bell (a wake-up only if it is parked), for a caller that published with
   * `notify` false and then found, after its store, that the consumer needs to hear of it.
   */
  ringConsumer(): void {
    if (this.consumerBell.ring()) this.f64[F64_P_NOTIFIES] = ++this.notifies;
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
}

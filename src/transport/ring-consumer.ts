/**
 * The consuming end of a ring (ring.ts has the theory of operation: step C of the space-wake
 * argument, close and abandon). It alone writes `head`, `abandoned`, the clearing exchange of the
 * space-waiter word and the F64_C_* counters; it releases records with one Atomics.store of `head`,
 * and reads the producer's `tail`, safe time and `closed` with Atomics.load (`closed` before
 * `tail`, so a close it sees orders every record before it).
 */
import { assert } from '../core/errors.js';
import { expected } from '../core/expected.js';
import type { Doorbell } from './doorbell.js';
import * as layout from './layout.js';
import { checkTimeout } from './ring-buffer.js';
import { RingEndpoint } from './ring-endpoint.js';

// Module-local bindings of the layout's constants, by what they name (ring.ts says why not imports).
const { I32_TAIL, I32_HEAD, I32_CLOSED, I32_ABANDONED, RECORDS_OFFSET_BYTES } = layout;
const { I32_SPACE_WAITER, I32_SPACE_WAKE_HEAD } = layout;
const { I32_SAFE_SEQ, I64_SAFE_TIME, SAFE_TIME_NEVER } = layout;
const { F64_C_RECORDS, F64_C_BATCHES, F64_C_HIGH_WATER, F64_C_PARKS, F64_C_WAKEUPS, F64_C_NOTIFIES } = layout;

/** The consuming end of a ring. One per ring, used by one thread. */
export class RingConsumer extends RingEndpoint {
  /** Local copy of the released head (int32, wraps). Only this endpoint writes the shared one. */
  private head = 0;
  /** Records published and not released, as of the last available(). */
  private seen = 0;
  private safeSeqSeen = 0;
  private safe = 0;
  private highWater = 0;
  private records = 0;
  private batches = 0;
  private readonly newsReady: () => boolean;

  constructor(buffer: SharedArrayBuffer, consumerBell: Doorbell, producerBell: Doorbell) {
    super(buffer, consumerBell, producerBell, { parks: F64_C_PARKS, wakeups: F64_C_WAKEUPS });
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
      this.parkOnce(this.consumerBell, this.newsReady, leftMs, spin, spinRounds === undefined, startMs);
      spin = 0;
    }
  }

  /**
   * The consumer gives up: the producer's next reserve that runs short of space, or a parked one,
   * throws RingClosedError (ring.ts "Close": one that still fits its cached space does not).
   */
  abandon(): void {
    Atomics.store(this.i32, I32_ABANDONED, 1);
    if (this.producerBell.ring()) this.f64[F64_C_NOTIFIES] = ++this.notifies;
  }
}

/**
 * What both ends of a ring share (ring-producer.ts, ring-consumer.ts; ring.ts has the theory of
 * operation): the views of the ring's buffer, checked on attach (ring-buffer.ts), the two
 * doorbells, the adaptive spin budget, and the park that counts itself. An endpoint is used by one
 * thread; of the shared counters it writes only its own side's (layout.ts: F64_P_* by the
 * producer, F64_C_* by the consumer), with plain stores, read elsewhere only as statistics.
 */
import { AdaptiveSpin } from './adaptive-spin.js';
import type { Doorbell } from './doorbell.js';
import * as layout from './layout.js';
import { attachGeometry, type RingStats, statsOf } from './ring-buffer.js';

// Module-local bindings of the layout's constants, by what they name (ring.ts says why not imports).
const { RECORDS_OFFSET_BYTES } = layout;

/**
 * Initial spin rounds before a blocking call parks (then adapted per endpoint, adaptive-spin.ts). A
 * round is a ~100 ns pause (doorbell.ts) and one check of the wake condition: 256 rounds are some
 * tens of microseconds, about the cost of one park and wake-up here (~37 us on the 2-core machine:
 * bench/README.md "Where a threaded run's CPU goes"), so spinning never costs more than about twice
 * what parking at once would have (the classic spin-then-park bound), and a busy partner is caught
 * without a syscall.
 */
export const DEFAULT_SPIN_ROUNDS = 256;
/** Longest single Atomics.wait inside a blocking call, so terminate() and deadlines stay prompt. */
const PARK_SLICE_MS = 50;

/** Thrown by the producer when the consumer abandoned the ring. */
export class RingClosedError extends Error {
  override readonly name = 'RingClosedError';
}

/** The counter slots (layout.ts) of one side's parks and the parks a ring() ended. */
export interface ParkSlots {
  parks: number;
  wakeups: number;
}

/** One end of a ring: the producer's or the consumer's. One per ring and side, used by one thread. */
export abstract class RingEndpoint {
  readonly recordBytes: number;
  readonly capacityRecords: number;
  /** Over the whole ring buffer; records are addressed by offsetOf(i). */
  readonly view: DataView;
  /** The same bytes as 32-bit words (index = offsetOf(i) / 4): what codec.ts reads and writes. */
  readonly words: Uint32Array;
  readonly buffer: SharedArrayBuffer;
  protected readonly i32: Int32Array;
  protected readonly i64: BigInt64Array;
  protected readonly f64: Float64Array;
  protected readonly consumerBell: Doorbell;
  protected readonly producerBell: Doorbell;
  protected readonly mask: number;
  /** Spin budget of a blocking call when the caller gives none (adaptive-spin.ts). */
  protected readonly spin = new AdaptiveSpin(DEFAULT_SPIN_ROUNDS);
  protected parks = 0;
  protected wakeups = 0;
  protected notifies = 0;
  private readonly parkSlots: ParkSlots;

  constructor(
    buffer: SharedArrayBuffer,
    consumerBell: Doorbell,
    producerBell: Doorbell,
    parkSlots: ParkSlots,
  ) {
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
    this.parkSlots = parkSlots;
  }

  /**
   * One bounded park of a blocking call on `bell` until `ready` (at most PARK_SLICE_MS, and no
   * longer than `leftMs`), after `spin` rounds; counts the park and its wake-up, and teaches the
   * adaptive spin budget when the call uses it (`adapt`: the caller gave no spin rounds).
   */
  protected parkOnce(
    bell: Doorbell,
    ready: () => boolean,
    leftMs: number,
    spin: number,
    adapt: boolean,
    startMs: number,
  ): void {
    const result = bell.park(ready, Math.min(leftMs, PARK_SLICE_MS), spin);
    if (result === 'ready') return;
    this.f64[this.parkSlots.parks] = ++this.parks;
    if (result === 'woken') this.f64[this.parkSlots.wakeups] = ++this.wakeups;
    if (adapt && spin !== 0) this.spin.afterPark(performance.now() - startMs, result === 'woken');
  }

  stats(): RingStats {
    return statsOf(this.f64, this.capacityRecords);
  }
}

/**
 * Ring buffers a process reuses from one threaded run to the next.
 *
 * Why. A threaded run with one worker per actor has 54 rings of 4096 records (128 KiB each, 7 MiB
 * in all) on a Witherspoon, and allocates all of them before its workers start. The first time a
 * process does so, each buffer is a fresh mapping whose pages the kernel fills on first touch, and
 * a run touches only the pages its records reach. Once earlier runs' buffers have been freed, the
 * allocator may serve the next ones from recycled memory that it must clear, page by page, and on
 * this project's machines (a paravirtualised guest) the page faults of that clearing are costly:
 * on the main thread, before any worker starts. A process that makes many threaded runs (a free
 * sweep's seeds, a workload's variants, a program through the package) paid that on every run;
 * bench/README.md "Start-up" has what the pool bought (`npm run bench -- startup --threads kept`).
 *
 * Theory of operation
 * -------------------
 * `take` hands out a buffer no thread holds: one given back earlier, reset, or a new one from
 * createRingBuffer. `giveBack` takes buffers their runs are done with; the caller's promise is that
 * no thread will read or write them again (threaded-runtime.ts gives a run's rings back only after
 * every worker of the run has exited, or has returned from its loop and is kept idle: a kept
 * worker builds the next run's endpoints from that run's buffers and never touches the old ones,
 * worker-set.ts). So a buffer in the pool is touched only by the thread that owns the pool, and
 * the reset needs no atomics: the next run's workers receive the buffer by structured clone, which
 * orders the reset before anything they do.
 *
 * The reset makes the header what createRingBuffer makes: the identity words of the CONFIG line
 * are kept (the pool serves a buffer only to a request of the same geometry), and every other
 * header line (positions, closed and abandoned flags, safe time, the space-waiter words, both
 * sides' counters) is zeroed. The record slots keep the old run's bytes: no endpoint reads a slot
 * before its producer has written it in this run (layout.ts: the consumer reads only [head, tail),
 * and both start at 0), and clearing 7 MiB would cost the page faults the pool exists to avoid.
 *
 * Bounds: at most `maxBytes` of buffers wait in a pool (64 MiB by default, nine times a
 * Witherspoon run's rings); a buffer given back beyond that is left to the garbage collector.
 */
import { expected } from '../core/expected.js';
import * as layout from './layout.js';
import { attachGeometry, createRingBuffer, type RingOptions } from './ring-buffer.js';

const { DEFAULT_RECORD_BYTES, PRODUCER_LINE, RECORDS_OFFSET_BYTES } = layout;

/** What a pool has done: how many buffers it made, served again and holds. */
export interface RingPoolFigures {
  created: number;
  reused: number;
  held: number;
  heldBytes: number;
}

export class RingPool {
  /** Idle buffers by geometry (`capacity x recordBytes`). */
  private readonly idle = new Map<string, SharedArrayBuffer[]>();
  private heldBytes = 0;
  private created = 0;
  private reused = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {
    if (!Number.isInteger(maxBytes) || maxBytes < 0) {
      throw expected('maxBytes', 'a whole number of bytes, 0 or more', maxBytes);
    }
  }

  /** A ring buffer of `opts`'s geometry that no thread holds, empty as createRingBuffer makes it. */
  take(opts: RingOptions): SharedArrayBuffer {
    // A malformed request gets createRingBuffer's error.
    if (typeof opts !== 'object' || opts === null) return createRingBuffer(opts);
    const recordBytes = opts.recordBytes ?? DEFAULT_RECORD_BYTES;
    const spare = this.idle.get(key(opts.capacityRecords, recordBytes))?.pop();
    if (spare === undefined) {
      this.created++;
      return createRingBuffer(opts);
    }
    this.heldBytes -= spare.byteLength;
    this.reused++;
    new Uint8Array(spare, PRODUCER_LINE, RECORDS_OFFSET_BYTES - PRODUCER_LINE).fill(0);
    return spare;
  }

  /**
   * Buffers no thread will touch again (see the theory of operation), for later `take`s. Each must
   * be a ring buffer (its header is checked); `undefined` entries (edges without a ring) are skipped.
   */
  giveBack(buffers: readonly (SharedArrayBuffer | undefined)[]): void {
    for (const buffer of buffers) {
      if (buffer === undefined) continue;
      const { capacityRecords, recordBytes } = attachGeometry(buffer);
      if (this.heldBytes + buffer.byteLength > this.maxBytes) continue;
      const k = key(capacityRecords, recordBytes);
      const list = this.idle.get(k);
      if (list?.includes(buffer)) throw expected('buffers', 'buffers not already in the pool', buffer);
      if (list === undefined) this.idle.set(k, [buffer]);
      else list.push(buffer);
      this.heldBytes += buffer.byteLength;
    }
  }

  figures(): RingPoolFigures {
    let held = 0;
    for (const list of this.idle.values()) held += list.length;
    return { created: this.created, reused: this.reused, held, heldBytes: this.heldBytes };
  }
}

function key(capacityRecords: number, recordBytes: number): string {
  return `${capacityRecords}x${recordBytes}`;
}

/**
 * An outbound edge's staging, shared by both worker loops (worker-loop.ts, free/free-loop.ts):
 * sends never block, so a record its ring has no room for waits here, in send order, until a
 * flush copies it into the ring. Only the producing thread touches a staging list; the ring's
 * own protocol (src/transport/ring.ts) covers the hand-off.
 */
import type { SimMessage } from '../model/protocol/sim-message.js';
import { MESSAGE_BYTES, writeMessage } from '../transport/codec.js';
import type { RingProducer } from '../transport/ring.js';
import type { MessagePool } from './message-pool.js';

/** Staged records not yet flushed: `staged` from `stagedHead` on. */
export interface StagedEdge {
  edge: number;
  producer: RingProducer;
  staged: SimMessage[];
  stagedHead: number;
}

/** Records staged on `out` and not yet flushed. */
export function stagedCount(out: StagedEdge): number {
  return out.staged.length - out.stagedHead;
}

/** `out` has staged records and its ring has room for at least one: a flush would move some. */
export function canFlush(out: StagedEdge): boolean {
  return out.staged.length > out.stagedHead && out.producer.free() > 0;
}

/** Some edge of `outbound` could flush now. */
export function hasFlushable(outbound: readonly StagedEdge[]): boolean {
  for (const out of outbound) if (canFlush(out)) return true;
  return false;
}

/**
 * Reserve ring slots for `out`'s staged records: how many (the caller writes them from
 * `stagedHead`, publishes, then calls dropFlushed). 0 when nothing is staged, or when the ring is
 * full: then its space wake is armed, so the consumer's release rings this thread, and the
 * consumer is rung (awaitSpace).
 */
export function reserveStaged(out: StagedEdge): number {
  const pending = stagedCount(out);
  if (pending === 0) return 0;
  const n = out.producer.tryReserve(pending);
  if (n === 0) awaitSpace(out.producer);
  return n;
}

/**
 * The ring is full and records wait behind it: arm its space wake (the consumer's release rings
 * this thread), and ring the consumer, since only its drain frees the space. The loops publish
 * most batches without a notify (worker-loop.ts, free/free-loop.ts: records the consumer cannot
 * handle yet), so a consumer that parked before they landed may not know the ring holds anything;
 * if no safe time or other news reaches it, producer and consumer would each wait for the other
 * until a park ran out its bound (PARK_MS, thread-loop.ts). The ring comes after the tail store
 * that published the records (doorbell.ts: then either the consumer's ready() sees them or the
 * ring wakes it), and costs one load while the consumer runs.
 */
function awaitSpace(producer: RingProducer): void {
  producer.armSpaceWake();
  producer.ringConsumer();
}

/**
 * Flush every edge of `outbound`: copy its staged records into its ring as space allows, hand
 * each message object back to the pool it came from (`poolOf`), and let `publish` make the batch
 * visible (the loop decides whom to ring, given the batch's earliest record time). Both closures
 * are made once per loop, not per flush. Returns how many records moved.
 */
export function flushStaged<E extends StagedEdge>(
  outbound: readonly E[],
  poolOf: (m: SimMessage) => MessagePool,
  publish: (out: E, n: number, earliest: number) => void,
): number {
  let moved = 0;
  for (const out of outbound) {
    const n = reserveStaged(out);
    if (n === 0) continue;
    publish(out, n, writeReserved(out, n, poolOf));
    dropFlushed(out, n);
    moved += n;
  }
  return moved;
}

/** Records encoded into `encoded` per copy into a ring (writeReserved). */
const ENCODE_CHUNK_RECORDS = 64;
/** One per thread (a module's state is per isolate); only writeReserved uses it, never re-entered. */
const encoded = new Uint32Array(ENCODE_CHUNK_RECORDS * (MESSAGE_BYTES >> 2));

/**
 * Encode the first `n` staged records into the `n` ring slots reserveStaged gave, handing each
 * message object back to its pool; returns the earliest record time. Records are encoded into a
 * private array, a chunk at a time, and copied into the ring in one burst: stores to the ring's
 * slots wait for lines the consumer read a lap earlier, and interleaved with the encoding those
 * waits add up (RingProducer.writeRecords has the measurement).
 */
function writeReserved(out: StagedEdge, n: number, poolOf: (m: SimMessage) => MessagePool): number {
  const p = out.producer;
  const staged = out.staged;
  const head = out.stagedHead;
  let earliest = Number.POSITIVE_INFINITY;
  for (let done = 0; done < n; ) {
    const c = Math.min(n - done, ENCODE_CHUNK_RECORDS);
    for (let i = 0; i < c; i++) {
      const m = staged[head + done + i]!;
      writeMessage(encoded, i * MESSAGE_BYTES, m);
      if (m.timeTicks < earliest) earliest = m.timeTicks;
      poolOf(m).give(m);
    }
    p.writeRecords(encoded, c, done);
    done += c;
  }
  return earliest;
}

/**
 * The first `n` staged records were published: drop them. The list is emptied when all went, and
 * compacted once more than 4096 flushed records sit before the head; when some remain (the ring
 * had room for fewer), its space wake is armed and the consumer rung (awaitSpace).
 */
export function dropFlushed(out: StagedEdge, n: number): void {
  out.stagedHead += n;
  if (out.stagedHead === out.staged.length) {
    out.staged.length = 0;
    out.stagedHead = 0;
    return;
  }
  if (out.stagedHead > 4096) {
    out.staged.splice(0, out.stagedHead);
    out.stagedHead = 0;
  }
  awaitSpace(out.producer);
}

/** At the end: what is still staged is in flight on its edge; every outbound ring is closed. */
export function closeStaged(outbound: readonly StagedEdge[], inFlightPerEdge: number[]): void {
  for (const out of outbound) {
    inFlightPerEdge[out.edge]! += stagedCount(out);
    out.producer.close();
  }
}

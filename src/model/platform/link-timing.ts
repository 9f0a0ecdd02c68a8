/**
 * When a message sent now arrives: latency, serialisation behind earlier messages, and jitter.
 *
 * Owned by the sending actor (one `LinkTiming` per outbound edge), so it is computed in the
 * sender's thread from the sender's state alone and is the same inline or threaded.
 *
 *   start   = max(now + delay, busyUntil)  the link transmits one message at a time per direction
 *                                          (the runtime books a message when it leaves, so its
 *                                          delay here is 0: ActorRunner.deferDeparture)
 *   busyUntil = start + wireBytes / bandwidth
 *   arrival = max(busyUntil + latency + jitter, previous arrival + 1)
 *                                          jitter in [0, jitterTicks], drawn from the sender's chooser;
 *                                          the max keeps the link FIFO, as NVLink and PCIe are (a fill
 *                                          sent before an ATSD must arrive before it: ats-cache.ts).
 *                                          "+ 1": strictly later, because at equal times the event
 *                                          order puts some kinds first (an ATSD before a translation
 *                                          response), which would reorder one link's messages.
 *
 * What crossed by a time T (`figures(T)`, the trace's samples): a message books its serialisation
 * when it is sent, which on a saturated link, or for a delayed departure (a caller's `delayTicks`;
 * the runtime passes none), lies past T, up to a backlog past the run's end. The booked intervals never overlap and are booked in time order (each starts at or
 * after the last one's end), so they form runs of back-to-back serialisation. The class keeps each
 * run that a later figure may need (its start, its end, the busy ticks and bytes booked before it)
 * in a small ring: T is never before the last send's clock, so a run can be dropped once the run
 * after it started by then (it ended before every later T). What is left is the runs booked past
 * the clock, a handful; the figures by T are then exact. Bytes of a run are counted at the link's
 * rate (a message's serialisation is rounded up to whole ticks, so by its end every byte is
 * counted).
 *
 * The lookahead a producer may promise on this edge is `latencyTicks`: nothing it sends at or after
 * local time T can arrive before T + latency. That is why a zero-latency edge between two threads
 * is a configuration error (docs/theory-of-operation.md#72-conservative-synchronisation-threaded):
 * it would give conservative synchronisation no lookahead.
 */
import type { Chooser } from '../choice/chooser.js';

export interface EdgeSpec {
  index: number;
  from: number;
  to: number;
  kind: 'nvlink' | 'pcie' | 'xbus' | 'control';
  /** Human label, e.g. 'gpu0->gpu1 nvlink x2'. */
  label: string;
  latencyTicks: number;
  /** Per direction. */
  bytesPerSecond: number;
  /** Upper bound of delivery jitter, ticks (0: none). */
  jitterTicks: number;
}

const PS_PER_S = 1e12;

/**
 * Ticks a link of `bytesPerSecond` takes to serialise `wireBytes`: whole ticks, rounded up. The
 * rule LinkTiming books by, which the trace follows to draw a link's slices.
 */
export function linkTicks(wireBytes: number, bytesPerSecond: number): number {
  return serialTicksAt(wireBytes, PS_PER_S / bytesPerSecond);
}

function serialTicksAt(wireBytes: number, psPerByte: number): number {
  return Math.ceil(wireBytes * psPerByte);
}
const RUN_FIELDS = 4;
const START = 0;
const END = 1;
const BUSY_BEFORE = 2;
const BYTES_BEFORE = 3;

export interface LinkStats {
  edge: number;
  /** Ticks spent serialising, up to the figures' time. */
  busyTicks: number;
  queueDelayTicksTotal: number;
  queueDelayTicksMax: number;
  /** Messages sent on the link (queued, whether or not they had crossed by the figures' time). */
  messages: number;
  /** Bytes serialised onto the link by the figures' time. */
  bytes: number;
  /** Bytes sent but not yet serialised at the figures' time: the queue a saturated link ends with. */
  backlogBytes: number;
  /**
   * The figures' time: where the sender's run ended. In a threaded run Ctrl-C stopped, each
   * worker stops at its own tick, past the one every actor reached (the run's), so a link's busy
   * share is over this, not the run's (absent from figures made before it was kept: the run's).
   */
  tick?: number;
}

export class LinkTiming {
  // The times and the tick totals below pass 2^31 partway through a run (2.1 ms simulated). They
  // start as -0, a double (0 is a small integer), so V8 never compiles small-integer arithmetic for
  // them that it would throw away at the first overflow, in `arrival` and in every loop that
  // inlined it (`node --trace-deopt`: "overflow" in `arrival` mid-run). `+ 0` turns a -0 that was
  // never added to back into 0 wherever a figure leaves this class.
  private busyUntilTicks = -0;
  private lastArrivalTicks = -0;
  /** Picoseconds per byte, as a float; rounded up per message. */
  private readonly psPerByte: number;
  // Statistics for link utilisation and queueing delay.
  private busy = -0;
  private queueTotal = -0;
  private queueMax = -0;
  messages = 0;
  bytes = 0;
  // The runs of back-to-back serialisation a figure may still need (theory above), oldest first:
  // RUN_FIELDS numbers each (start, end, busy and bytes booked before it) in a ring that grows.
  // The newest run's end is `busyUntilTicks`.
  private runs = new Float64Array(4 * RUN_FIELDS);
  /** Runs the ring holds, less one (a power of two, less one). */
  private runMask = 3;
  private runHead = 0;
  private runCount = 0;

  constructor(readonly edge: EdgeSpec) {
    this.psPerByte = PS_PER_S / edge.bytesPerSecond;
  }

  /**
   * When a message sent at the sender's clock `now`, leaving `delayTicks` later (work done before
   * it goes: a page walk, a memory access), arrives.
   */
  arrival(now: number, wireBytes: number, chooser: Chooser, delayTicks = 0): number {
    const depart = now + delayTicks;
    const start = Math.max(depart, this.busyUntilTicks);
    if (start > this.busyUntilTicks || this.runCount === 0) this.openRun(start);
    this.dropRunsBefore(now);
    const serialTicks = serialTicksAt(wireBytes, this.psPerByte);
    const queued = start - depart;
    this.queueTotal += queued;
    if (queued > this.queueMax) this.queueMax = queued;
    this.busyUntilTicks = start + serialTicks;
    this.busy += serialTicks;
    this.messages++;
    this.bytes += wireBytes;
    const jitter =
      this.edge.jitterTicks > 0
        ? chooser.choose('link.jitter', this.edge.jitterTicks + 1, this.edge.index)
        : 0;
    const arrival = this.busyUntilTicks + this.edge.latencyTicks + jitter;
    this.lastArrivalTicks = arrival > this.lastArrivalTicks ? arrival : this.lastArrivalTicks + 1;
    return this.lastArrivalTicks;
  }

  /** The link was idle before `start`: the current run ends, a new one begins. */
  private openRun(start: number): void {
    if (this.runCount > 0) this.runs[this.slot(this.runCount - 1) + END] = this.busyUntilTicks;
    if (this.runCount * RUN_FIELDS === this.runs.length) this.growRuns();
    const at = this.slot(this.runCount);
    this.runs[at + START] = start;
    this.runs[at + BUSY_BEFORE] = this.busy;
    this.runs[at + BYTES_BEFORE] = this.bytes;
    this.runCount++;
  }

  /** Drop the runs no figure can need: those followed by a run that started by `clock`. */
  private dropRunsBefore(clock: number): void {
    while (this.runCount > 1 && this.runs[this.slot(1) + START]! <= clock) {
      this.runHead = (this.runHead + 1) & this.runMask;
      this.runCount--;
    }
  }

  private slot(i: number): number {
    return ((this.runHead + i) & this.runMask) * RUN_FIELDS;
  }

  private growRuns(): void {
    const next = new Float64Array(this.runs.length * 2);
    for (let i = 0; i < this.runCount; i++)
      next.set(this.runs.subarray(this.slot(i), this.slot(i) + RUN_FIELDS), i * RUN_FIELDS);
    this.runs = next;
    this.runMask = next.length / RUN_FIELDS - 1;
    this.runHead = 0;
  }

  /** The latest kept run that started by `tick`, or -1 when every kept run starts after it. */
  private runAt(tick: number): number {
    for (let i = this.runCount - 1; i >= 0; i--) if (this.runs[this.slot(i) + START]! <= tick) return i;
    return -1;
  }

  /** Ticks the link spent transmitting by `tick` (not before the last send's clock). */
  busyBy(tick: number): number {
    if (this.runCount === 0) return 0;
    const i = this.runAt(tick);
    // Every run dropped, and the busy time before the first kept one, ended by `tick`.
    if (i < 0) return this.runs[this.slot(0) + BUSY_BEFORE]! + 0;
    const at = this.slot(i);
    const end = i === this.runCount - 1 ? this.busyUntilTicks : this.runs[at + END]!;
    return this.runs[at + BUSY_BEFORE]! + (Math.min(tick, end) - this.runs[at + START]!) + 0;
  }

  /** Bytes serialised onto the link by `tick` (not before the last send's clock). */
  bytesBy(tick: number): number {
    if (this.runCount === 0) return 0;
    const i = this.runAt(tick);
    if (i < 0) return this.runs[this.slot(0) + BYTES_BEFORE]!;
    const at = this.slot(i);
    const after = i === this.runCount - 1 ? this.bytes : this.runs[this.slot(i + 1) + BYTES_BEFORE]!;
    const before = this.runs[at + BYTES_BEFORE]!;
    return before + this.bytesAtRate(after - before, tick - this.runs[at + START]!);
  }

  /** Of a run's `booked` bytes, those serialised `ticks` into it. */
  private bytesAtRate(booked: number, ticks: number): number {
    return Math.min(booked, Math.floor(ticks / this.psPerByte));
  }

  /** The link's figures at `tick` (the run's end or where it stopped). */
  figures(tick: number): LinkStats {
    const bytes = this.bytesBy(tick);
    return {
      edge: this.edge.index,
      busyTicks: this.busyBy(tick),
      queueDelayTicksTotal: this.queueTotal + 0,
      queueDelayTicksMax: this.queueMax + 0,
      messages: this.messages,
      bytes,
      backlogBytes: this.bytes - bytes,
      tick,
    };
  }
}

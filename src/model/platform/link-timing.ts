/**
 * When a message sent now arrives: latency, serialisation behind earlier messages, and jitter.
 *
 * Owned by the sending actor (one `LinkTiming` per outbound edge), so it is computed in the
 * sender's thread from the sender's state alone and is the same inline or threaded.
 *
 *   start   = max(now, busyUntil)          the link transmits one message at a time per direction
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
 * when it is sent, which on a saturated link lies past T, up to a backlog past the run's end. The
 * booked intervals never overlap and are booked in time order (each starts at or after the last
 * one's end), so they form runs of back-to-back serialisation; the class keeps the current run and
 * the one before it (its start, its end, the busy ticks and bytes booked before it), which gives
 * the exact busy time and bytes by T whenever T is not before the previous run's start. T is never
 * before the last send's clock, so only delayed departures (`send`'s `delayTicks`, a few hundred
 * ns at most) can open runs past T; two of them in a row past T leave the run before them counted
 * up to its end, an error no larger than one delay. Bytes of a run are counted at the link's rate
 * (a message's serialisation is rounded up to whole ticks, so by its end every byte is counted).
 *
 * The lookahead a producer may promise on this edge is `latencyTicks`: nothing it sends at or after
 * local time T can arrive before T + latency. That is why a zero-latency edge between two threads is
 * a configuration error (design.md): it would give conservative synchronisation no lookahead.
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
  // The runs of back-to-back serialisation (theory above): the current one and the one before.
  private runStart = -0;
  private busyBeforeRun = -0;
  private bytesBeforeRun = 0;
  private prevRunStart = -0;
  private prevRunEnd = -0;
  private busyBeforePrev = -0;
  private bytesBeforePrev = 0;

  constructor(readonly edge: EdgeSpec) {
    this.psPerByte = PS_PER_S / edge.bytesPerSecond;
  }

  arrival(now: number, wireBytes: number, chooser: Chooser): number {
    const start = Math.max(now, this.busyUntilTicks);
    if (start > this.busyUntilTicks) {
      // The link was idle before `start`: a new run of serialisation begins.
      this.prevRunStart = this.runStart;
      this.prevRunEnd = this.busyUntilTicks;
      this.busyBeforePrev = this.busyBeforeRun;
      this.bytesBeforePrev = this.bytesBeforeRun;
      this.runStart = start;
      this.busyBeforeRun = this.busy;
      this.bytesBeforeRun = this.bytes;
    }
    const serialTicks = Math.ceil(wireBytes * this.psPerByte);
    const queued = start - now;
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

  /** Ticks the link spent transmitting by `tick` (not before the last send's clock). */
  busyBy(tick: number): number {
    if (tick >= this.runStart)
      return this.busyBeforeRun + (Math.min(tick, this.busyUntilTicks) - this.runStart) + 0;
    if (tick >= this.prevRunStart) {
      return this.busyBeforePrev + (Math.min(tick, this.prevRunEnd) - this.prevRunStart) + 0;
    }
    return this.busyBeforePrev + 0;
  }

  /** Bytes serialised onto the link by `tick` (not before the last send's clock). */
  bytesBy(tick: number): number {
    if (tick >= this.runStart) {
      return this.bytesBeforeRun + this.bytesAtRate(this.bytes - this.bytesBeforeRun, tick - this.runStart);
    }
    if (tick >= this.prevRunStart) {
      return (
        this.bytesBeforePrev +
        this.bytesAtRate(this.bytesBeforeRun - this.bytesBeforePrev, tick - this.prevRunStart)
      );
    }
    return this.bytesBeforePrev;
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
    };
  }
}

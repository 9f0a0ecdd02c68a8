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
  busyTicks: number;
  queueDelayTicksTotal: number;
  queueDelayTicksMax: number;
  messages: number;
  bytes: number;
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

  constructor(readonly edge: EdgeSpec) {
    this.psPerByte = PS_PER_S / edge.bytesPerSecond;
  }

  arrival(now: number, wireBytes: number, chooser: Chooser): number {
    const start = Math.max(now, this.busyUntilTicks);
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

  /** Ticks the link spent transmitting so far. */
  get busyTicks(): number {
    return this.busy + 0;
  }

  figures(): LinkStats {
    return {
      edge: this.edge.index,
      busyTicks: this.busy + 0,
      queueDelayTicksTotal: this.queueTotal + 0,
      queueDelayTicksMax: this.queueMax + 0,
      messages: this.messages,
      bytes: this.bytes,
    };
  }
}

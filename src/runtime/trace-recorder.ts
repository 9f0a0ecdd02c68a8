/**
 * What one actor keeps of its run for a timeline (`npusim run --trace`) and for the charts of the
 * HTML report (`--report`): off unless asked for, so a normal run pays one `undefined` check per
 * event and per send.
 *
 * Two things, both plain data that cross threads by structured clone:
 *
 * 1. Records: every message the actor handles and every message it sends (self timers are left
 *    out: they are the actor's own bookkeeping, not traffic), each as RECORD_FIELDS numbers in one
 *    Float64Array ring (no object per event). A send is recorded when the actor sends it, at its
 *    clock, so the records are in clock order; one sent with a delay leaves later (a runtime
 *    event of the actor) and its record gets its arrival and its place on the edge then. The
 *    ring keeps the last `capacityRecords`, so a run longer than the cap keeps its end (where a
 *    hang or a stop at the first finding is). With an
 *    `anchorTick` (the first violation of a run made before, which a deterministic run finds at
 *    the same tick again), the ring keeps going until the actor's clock reaches the anchor, then
 *    keeps half a ring more and closes: about half before the anchor and half after.
 *    What the ring dropped is counted on each side, and the clock at the oldest and newest kept
 *    record says which stretch of simulated time this actor kept whole.
 *
 * 2. Samples: `sampleCount + 1` rows at evenly spaced ticks (0, end/n, 2 end/n, .. end, each
 *    rounded up to a whole tick: sampleTick), each the
 *    actor's own figures (`Actor.sample`: ATSD registers locked, DMAs in flight, shootdowns in
 *    flight) and, per edge it sends or receives on, the link's busy
 *    ticks and the messages sent and handled so far. A row at tick t is the state after every
 *    event before t, taken just before the first event at or after t (nothing changes in
 *    between). They cover the whole run whatever the record cap, for time series.
 *
 * The recorder knows nothing of the protocol: `src/report/trace/` decodes the records by kind.
 */
import { assert } from '../core/errors.js';
import type { Actor } from '../model/actors/actor.js';
import type { LinkTiming } from '../model/platform/link-timing.js';
import { SELF_LINK, type SimMessage } from '../model/protocol/sim-message.js';

/** Numbers per record in `ActorTrace.records`. */
export const RECORD_FIELDS = 11;
/** Offsets within a record. */
export const R = {
  /** The actor's clock when it made the record (the handled event's time, or the sender's now). */
  now: 0,
  /** Sent: when the message left (now + the sender's delay); handled: its time (= now). */
  depart: 1,
  /**
   * Sent: its arrival time at the receiver, NaN while it has not left (a delayed send is recorded
   * when sent and completed when it leaves: `sentLater`, `left`); handled: its time (= now).
   */
  arrival: 2,
  kind: 3,
  /** 1: sent by this actor; 0: handled by it. */
  sent: 4,
  /** The edge index (plan.edges): outbound when sent, inbound when handled. */
  edge: 5,
  tag: 6,
  flags: 7,
  address: 8,
  /** lengthBytes + wireBytes * 2^24 (wire bytes only for a send: what the link serialised). */
  bytes: 9,
  /**
   * Messages put on this edge (when sent: in the order they left, this one included; NaN while it
   * has not left) or handled on it (when handled) so far.
   */
  edgeCount: 10,
} as const;
export const WIRE_BYTES_SHIFT = 2 ** 24;

/**
 * The trace serial of a send that has no record yet (`sentLater` never called: no trace, or a send
 * that leaves at once): ActorRunner records it when it leaves.
 */
export const RECORD_WHEN_LEFT = -1;
/**
 * The trace serial `sentLater` returns once an anchored ring has closed: the send is counted as
 * recorded and dropped already, so nothing is recorded, nor counted again, when it leaves (it was,
 * and a run whose first finding fell outside the kept window said thousands of records too many:
 * QA).
 */
export const DROPPED_WHEN_SENT = -2;

/**
 * The tick of sample row `row` of `sampleCount` over a run of `endTick`: row * end / n rounded up
 * to a whole tick. Events happen at whole ticks, so the row is taken before the same event either
 * way (the first at or after the exact time is the first at or after its ceiling) and holds the
 * same state; rounded, its time is one a tick can be (QA: a 401 ps run had rows at 1.0025 ps) and
 * the links' busy time is read at it. A run whose length n divides is sampled where it was.
 */
export function sampleTick(row: number, endTick: number, sampleCount: number): number {
  return Math.ceil((row * endTick) / sampleCount);
}

/** What a run asks of the trace recorder (RunRecording.trace). */
export interface TraceOptions {
  /** Records each actor keeps (a ring): at least 2. */
  capacityRecords: number;
  /** Sample rows per run, besides the one at tick 0: 0 for none. */
  sampleCount: number;
  /** The run's end tick, to space the samples. */
  endTick: number;
  /** Keep a window around this tick instead of the end of the run (see above). */
  anchorTick?: number;
}

/** What one actor kept (RawRun.traces[actor index]). */
export interface ActorTrace {
  /** Oldest first; RECORD_FIELDS numbers each (offsets `R`). */
  records: Float64Array;
  /** Records made in the whole run, kept or not. */
  recorded: number;
  /** Dropped from the front when the ring was full. */
  droppedBefore: number;
  /** Dropped after an anchored ring closed. */
  droppedAfter: number;
  /** The anchor tick the ring was given, if any. */
  anchorTick: number | undefined;
  /** Sample columns: `state.NAME`, `busy.EDGE`, `sent.EDGE`, `handled.EDGE`. */
  sampleColumns: string[];
  /** (sampleCount + 1) rows x columns; NaN where a row was never reached (a stopped run). */
  samples: Float64Array;
  sampleCount: number;
  /** Rows actually taken. */
  samplesTaken: number;
}

export class TraceRecorder {
  private readonly ring: Float64Array;
  private readonly capacity: number;
  private next = 0;
  private count = 0;
  /** Records put in the ring so far (a record's serial number is this count before it). */
  private added = 0;
  private recorded = 0;
  private droppedBefore = 0;
  private droppedAfter = 0;
  private afterAnchorLeft = -1;
  private closed = false;
  private readonly anchor: number | undefined;

  private readonly endTick: number;
  private readonly sampleCount: number;
  private nextSampleTick = 0;
  private samplesTaken = 0;
  private columns: string[] | undefined;
  private stateKeys: string[] = [];
  private samples: Float64Array = new Float64Array(0);

  constructor(
    options: TraceOptions,
    private readonly actor: Actor,
    private readonly links: readonly (LinkTiming | undefined)[],
    private readonly sentPerEdge: readonly number[],
    private readonly receivedPerEdge: readonly number[],
    /** Edges this actor receives on (it handles what arrives there). */
    private readonly inboundEdges: readonly number[],
  ) {
    assert(
      Number.isSafeInteger(options.capacityRecords) && options.capacityRecords >= 2,
      `trace capacity must be a whole number from 2, got ${options.capacityRecords}`,
    );
    this.capacity = options.capacityRecords;
    this.ring = new Float64Array(this.capacity * RECORD_FIELDS);
    this.anchor = options.anchorTick;
    this.sampleCount = Math.max(0, Math.floor(options.sampleCount));
    this.endTick = options.endTick;
    if (this.sampleCount === 0) this.nextSampleTick = Number.POSITIVE_INFINITY;
  }

  /**
   * Before the actor handles `m` at its time: samples due, then the record (not of a timer, nor of
   * a deferred departure: its send was recorded when made, and is completed by `left`).
   */
  handled(m: SimMessage): void {
    if (m.timeTicks >= this.nextSampleTick) this.sampleUpTo(m.timeTicks);
    if (m.link === SELF_LINK) return;
    this.add(m, m.timeTicks, m.timeTicks, m.timeTicks, 0, m.link, 0, this.receivedPerEdge[m.link]! + 1);
  }

  /** After a send was stamped and put on its link now (`now`: the sender's clock). */
  sent(m: SimMessage, now: number, wireBytes: number): void {
    this.add(m, now, now, m.timeTicks, 1, m.link, wireBytes, this.sentPerEdge[m.link]!);
  }

  /**
   * A send that leaves its sender at `depart`, after `now` (ActorRunner.deferDeparture), recorded
   * now, when it was sent: the records stay in clock order, and one the run ends before it left
   * (a DMA issued at the end) is still there, as the run counts it. Its arrival and its place on
   * the edge are known only when it leaves (`left`); NaN until then. Returns its serial number for
   * `left`, or DROPPED_WHEN_SENT when the ring had closed (the record was counted and dropped).
   */
  sentLater(m: SimMessage, edge: number, now: number, depart: number, wireBytes: number): number {
    if (this.closed) {
      this.recorded++;
      this.droppedAfter++;
      return DROPPED_WHEN_SENT;
    }
    const serial = this.added;
    this.add(m, now, depart, Number.NaN, 1, edge, wireBytes, Number.NaN);
    return serial;
  }

  /** Record `serial` (`sentLater`) left now: its arrival and its count on the edge, if the ring still holds it. */
  left(serial: number, arrival: number, edgeCount: number): void {
    if (serial < 0 || serial < this.added - this.count) return;
    const at = (serial % this.capacity) * RECORD_FIELDS;
    this.ring[at + R.arrival] = arrival;
    this.ring[at + R.edgeCount] = edgeCount;
  }

  private add(
    m: SimMessage,
    now: number,
    depart: number,
    arrival: number,
    sent: number,
    edge: number,
    wireBytes: number,
    edgeCount: number,
  ): void {
    this.recorded++;
    if (this.closed) {
      this.droppedAfter++;
      return;
    }
    const at = this.next * RECORD_FIELDS;
    const r = this.ring;
    r[at + R.now] = now;
    r[at + R.depart] = depart;
    r[at + R.arrival] = arrival;
    r[at + R.kind] = m.kind;
    r[at + R.sent] = sent;
    r[at + R.edge] = edge;
    r[at + R.tag] = m.tag;
    r[at + R.flags] = m.flags;
    r[at + R.address] = m.address;
    r[at + R.bytes] = m.lengthBytes + wireBytes * WIRE_BYTES_SHIFT;
    r[at + R.edgeCount] = edgeCount;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    this.added++;
    if (this.count < this.capacity) this.count++;
    else this.droppedBefore++;
    if (this.anchor !== undefined) {
      if (this.afterAnchorLeft < 0 && now >= this.anchor)
        this.afterAnchorLeft = Math.floor(this.capacity / 2);
      if (this.afterAnchorLeft >= 0 && --this.afterAnchorLeft <= 0) this.closed = true;
    }
  }

  /** Take every sample row due before `tick` (the state now is the state at each of them). */
  private sampleUpTo(tick: number): void {
    if (this.columns === undefined) this.defineColumns();
    while (this.samplesTaken <= this.sampleCount && this.nextSampleTick <= tick) {
      this.takeRow(this.samplesTaken);
      this.samplesTaken++;
      this.nextSampleTick = sampleTick(this.samplesTaken, this.endTick, this.sampleCount);
    }
  }

  private defineColumns(): void {
    this.stateKeys = Object.keys(this.actor.sample?.() ?? {});
    const cols = this.stateKeys.map((k) => `state.${k}`);
    this.links.forEach((l, e) => {
      if (l !== undefined) cols.push(`busy.${e}`, `sent.${e}`);
    });
    for (const e of this.inboundEdges) cols.push(`handled.${e}`);
    this.columns = cols;
    this.samples = new Float64Array((this.sampleCount + 1) * cols.length).fill(Number.NaN);
  }

  private takeRow(row: number): void {
    // Every send so far was made before this row's time, so the links' figures by it are exact.
    const tick = sampleTick(row, this.endTick, this.sampleCount);
    const cols = this.columns!;
    let at = row * cols.length;
    const s = this.samples;
    const state = this.actor.sample?.() ?? {};
    for (const k of this.stateKeys) s[at++] = state[k] ?? Number.NaN;
    this.links.forEach((l, e) => {
      if (l === undefined) return;
      s[at++] = l.busyBy(tick);
      s[at++] = this.sentPerEdge[e]!;
    });
    for (const e of this.inboundEdges) s[at++] = this.receivedPerEdge[e]!;
  }

  /** The trace, once the actor handled its last event; samples are taken up to `endTick`. */
  result(endTick: number): ActorTrace {
    if (this.sampleCount > 0) this.sampleUpTo(endTick);
    const n = this.count;
    const records = new Float64Array(n * RECORD_FIELDS);
    const start = n < this.capacity ? 0 : this.next;
    for (let i = 0; i < n; i++) {
      const from = ((start + i) % this.capacity) * RECORD_FIELDS;
      records.set(this.ring.subarray(from, from + RECORD_FIELDS), i * RECORD_FIELDS);
    }
    return {
      records,
      recorded: this.recorded,
      droppedBefore: this.droppedBefore,
      droppedAfter: this.droppedAfter,
      anchorTick: this.anchor,
      sampleColumns: this.columns ?? [],
      samples: this.samples,
      sampleCount: this.sampleCount,
      samplesTaken: Math.min(this.samplesTaken, this.sampleCount + 1),
    };
  }
}

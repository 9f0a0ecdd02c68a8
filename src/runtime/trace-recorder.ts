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
 *    Each record also carries what a trace cannot rebuild from the messages of a window alone:
 *    - `level`: the actor's counter level (`Actor.sample()`'s figure named in TRACE_LEVELS: a
 *      GPU's DMAs outstanding, a chip's ATSD registers held) at the end of the record's tick, so a
 *      trace that starts at any tick starts its counter from the true level, holds begun before
 *      it included (by steps alone it read too low: QA). Read once per tick that made records, at
 *      the actor's first event of a later tick (nothing happens between two events) or at the end:
 *      every change of these figures happens in an event that makes a record (a DMA is issued with
 *      the message it sends and ends with the one it handles; a register is taken and freed
 *      while an ATSD_OP is handled), so no level moves between two records unseen.
 *    - `onLink` (a send): when its link began serialising it, by the link's own rule (LinkTiming:
 *      one message at a time, in the order they leave), followed here per outbound edge from every
 *      departure, kept or dropped, so a window's link slices are exact wherever it starts.
 *    A send dropped from the ring's front while its link still held it (or before it left) is
 *    kept aside, `leadIn`, until the ring's oldest record is past it: it is the message on a link
 *    at the start of the stretch the ring kept, which a trace of that stretch draws (QA: a capped
 *    trace lacked the serialisation, and the end of the DMA landing, of messages sent just before
 *    its window). They are as few as the messages queued on the actor's links.
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
import { type LinkTiming, linkTicks } from '../model/platform/link-timing.js';
import { SELF_LINK, type SimMessage } from '../model/protocol/sim-message.js';

/** Numbers per record in `ActorTrace.records`. */
export const RECORD_FIELDS = 13;
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
  /**
   * The actor's TRACE_LEVELS figure at the end of this record's tick (NaN for an actor without
   * one, and until the tick has ended).
   */
  level: 11,
  /**
   * Sent: when its link began serialising it (NaN while it has not left); handled: NaN. It ends
   * `linkTicks(wireBytes, bytesPerSecond)` later.
   */
  onLink: 12,
} as const;
export const WIRE_BYTES_SHIFT = 2 ** 24;

/**
 * The `Actor.sample()` figures a trace draws as counters from the model's own state (R.level),
 * the first of them an actor has: a GPU's DMAs issued and not yet completed or faulted, a chip's
 * ATSD registers held.
 */
export const TRACE_LEVELS: readonly string[] = ['dmaOutstanding', 'atsdRegistersLocked'];

/** A lead-in entry: a record, then its serial and the tick its link is done with it. */
const SIDE_FIELDS = RECORD_FIELDS + 2;
const SIDE_SERIAL = RECORD_FIELDS;
const SIDE_REACH = RECORD_FIELDS + 1;

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
  /**
   * Sends dropped from the ring's front that had not left, or were still on their link, after
   * the oldest kept record's tick (header): oldest first, RECORD_FIELDS numbers each.
   */
  leadIn: Float64Array;
  /** The TRACE_LEVELS figure the records' `level` holds, if the actor has one. */
  levelKey: string | undefined;
  /** That figure before the actor's first record (when the recorder was made); NaN without one. */
  initialLevel: number;
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

  private readonly levelKey: string | undefined;
  private readonly initialLevel: number;
  /** The serial of the first record whose level is not known yet (+Infinity: no level kept). */
  private levelFrom = 0;
  /** The tick of the records waiting for their level (the last record's clock). */
  private levelTick = 0;
  /** Per outbound edge: when its link is free again (header: `onLink`). */
  private readonly linkFree: number[];
  private readonly bytesPerSecond: number[];
  /** The lead-in (header): SIDE_FIELDS numbers each, in the order dropped, `sideCount` of them. */
  private side = new Float64Array(0);
  private sideCount = 0;

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
    const figures = actor.sample?.();
    this.levelKey = figures === undefined ? undefined : TRACE_LEVELS.find((k) => k in figures);
    this.initialLevel = this.levelKey === undefined ? Number.NaN : (figures![this.levelKey] ?? Number.NaN);
    if (this.levelKey === undefined) this.levelFrom = Number.POSITIVE_INFINITY;
    this.linkFree = links.map(() => 0);
    this.bytesPerSecond = links.map((l) => l?.edge.bytesPerSecond ?? 1);
  }

  /**
   * Before the actor handles `m` at its time: samples due, then the record (not of a timer, nor of
   * a deferred departure: its send was recorded when made, and is completed by `left`).
   */
  handled(m: SimMessage): void {
    if (m.timeTicks >= this.nextSampleTick) this.sampleUpTo(m.timeTicks);
    // The first event of a later tick: the records of the last tick get the level it ended with.
    if (this.levelFrom < this.added && m.timeTicks > this.levelTick) this.fillLevels();
    if (m.link === SELF_LINK) return;
    this.add(
      m,
      m.timeTicks,
      m.timeTicks,
      m.timeTicks,
      0,
      m.link,
      0,
      this.receivedPerEdge[m.link]! + 1,
      Number.NaN,
    );
  }

  /** After a send was stamped and put on its link now (`now`: the sender's clock). */
  sent(m: SimMessage, now: number, wireBytes: number): void {
    const onLink = this.onLink(m.link, now, wireBytes);
    this.add(m, now, now, m.timeTicks, 1, m.link, wireBytes, this.sentPerEdge[m.link]!, onLink);
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
    this.add(m, now, depart, Number.NaN, 1, edge, wireBytes, Number.NaN, Number.NaN);
    return serial;
  }

  /**
   * Record `serial` (`sentLater`) left on `edge` now (`now`, with `wireBytes`): its arrival, its
   * count on the edge and when its link took it, in the ring or the lead-in if either still holds
   * it. Every departure comes here or to `sent`, a dropped one too, so the links are followed whole.
   */
  left(
    serial: number,
    edge: number,
    now: number,
    wireBytes: number,
    arrival: number,
    edgeCount: number,
  ): void {
    const onLink = this.onLink(edge, now, wireBytes);
    if (serial < 0) return;
    let r: Float64Array = this.ring;
    let at: number;
    if (serial >= this.added - this.count) at = (serial % this.capacity) * RECORD_FIELDS;
    else {
      at = this.sideAt(serial);
      if (at < 0) return;
      r = this.side;
      r[at + SIDE_REACH] = onLink + linkTicks(wireBytes, this.bytesPerSecond[edge]!);
    }
    r[at + R.arrival] = arrival;
    r[at + R.edgeCount] = edgeCount;
    r[at + R.onLink] = onLink;
  }

  /** When the link of `edge` takes a message leaving now: LinkTiming's rule, followed (header). */
  private onLink(edge: number, now: number, wireBytes: number): number {
    const start = Math.max(now, this.linkFree[edge]!);
    this.linkFree[edge] = start + linkTicks(wireBytes, this.bytesPerSecond[edge]!);
    return start;
  }

  /** The level now, into every record still waiting for it (header: `level`). */
  private fillLevels(): void {
    const level = this.actor.sample!()[this.levelKey!] ?? Number.NaN;
    for (let s = Math.max(this.levelFrom, this.added - this.count); s < this.added; s++)
      this.ring[(s % this.capacity) * RECORD_FIELDS + R.level] = level;
    this.levelFrom = this.added;
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
    onLink: number,
  ): void {
    this.recorded++;
    if (this.closed) {
      this.droppedAfter++;
      return;
    }
    const at = this.next * RECORD_FIELDS;
    const r = this.ring;
    if (this.count === this.capacity) this.dropFront(at);
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
    r[at + R.level] = Number.NaN;
    r[at + R.onLink] = onLink;
    this.levelTick = now;
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

  /**
   * The ring's oldest record, at `at`, is about to be overwritten: a send its link still holds
   * after the next oldest record's tick, or that has not left, goes to the lead-in (header).
   */
  private dropFront(at: number): void {
    const r = this.ring;
    if (r[at + R.sent] !== 1) return;
    const after = r[((this.next + 1) % this.capacity) * RECORD_FIELDS + R.now]!;
    const onLink = r[at + R.onLink]!;
    const reach = Number.isNaN(onLink)
      ? Number.POSITIVE_INFINITY
      : onLink +
        linkTicks(Math.floor(r[at + R.bytes]! / WIRE_BYTES_SHIFT), this.bytesPerSecond[r[at + R.edge]!]!);
    if (reach <= after) return;
    if ((this.sideCount + 1) * SIDE_FIELDS > this.side.length) this.makeSideRoom(after);
    const to = this.sideCount * SIDE_FIELDS;
    this.side.set(r.subarray(at, at + RECORD_FIELDS), to);
    this.side[to + SIDE_SERIAL] = this.added - this.capacity;
    this.side[to + SIDE_REACH] = reach;
    this.sideCount++;
  }

  /** Drop the lead-in entries the ring has passed (their link was done by `oldest`); grow if still full. */
  private makeSideRoom(oldest: number): void {
    const s = this.side;
    let kept = 0;
    for (let i = 0; i < this.sideCount; i++) {
      const from = i * SIDE_FIELDS;
      if (s[from + SIDE_REACH]! <= oldest) continue;
      if (kept !== i) s.copyWithin(kept * SIDE_FIELDS, from, from + SIDE_FIELDS);
      kept++;
    }
    this.sideCount = kept;
    if ((kept + 1) * 2 * SIDE_FIELDS > s.length) {
      const grown = new Float64Array(Math.max(16, kept * 4) * SIDE_FIELDS);
      grown.set(s.subarray(0, kept * SIDE_FIELDS));
      this.side = grown;
    }
  }

  /** Where the lead-in holds record `serial`, or -1 (entries are in serial order). */
  private sideAt(serial: number): number {
    let lo = 0;
    let hi = this.sideCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.side[mid * SIDE_FIELDS + SIDE_SERIAL]! < serial) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.sideCount && this.side[lo * SIDE_FIELDS + SIDE_SERIAL] === serial
      ? lo * SIDE_FIELDS
      : -1;
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
    if (this.levelFrom < this.added) this.fillLevels();
    const n = this.count;
    const records = new Float64Array(n * RECORD_FIELDS);
    const start = n < this.capacity ? 0 : this.next;
    for (let i = 0; i < n; i++) {
      const from = ((start + i) % this.capacity) * RECORD_FIELDS;
      records.set(this.ring.subarray(from, from + RECORD_FIELDS), i * RECORD_FIELDS);
    }
    // The lead-in still reaching past the oldest kept record.
    const oldest = n > 0 ? records[R.now]! : Number.POSITIVE_INFINITY;
    const lead: number[] = [];
    for (let i = 0; i < this.sideCount; i++)
      if (this.side[i * SIDE_FIELDS + SIDE_REACH]! > oldest) lead.push(i);
    const leadIn = new Float64Array(lead.length * RECORD_FIELDS);
    lead.forEach((i, k) => {
      leadIn.set(this.side.subarray(i * SIDE_FIELDS, i * SIDE_FIELDS + RECORD_FIELDS), k * RECORD_FIELDS);
    });
    return {
      records,
      recorded: this.recorded,
      droppedBefore: this.droppedBefore,
      droppedAfter: this.droppedAfter,
      anchorTick: this.anchor,
      leadIn,
      levelKey: this.levelKey,
      initialLevel: this.initialLevel,
      sampleColumns: this.columns ?? [],
      samples: this.samples,
      sampleCount: this.sampleCount,
      samplesTaken: Math.min(this.samplesTaken, this.sampleCount + 1),
    };
  }
}

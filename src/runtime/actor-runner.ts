/**
 * Hosts one actor: its clock, its outbound link timing, its sequence counters and its digest.
 * Both runtimes use it, which is half of why they give the same digest: the other half is that
 * both hand `deliver` the actor's messages in `compareMessages` order.
 *
 * The runner is the actor's `ActorContext`. Sends are stamped here (time from the link's timing,
 * source, edge, a sequence number per destination) and handed to `outbox`; self timers go to
 * `selfQueue`. Assertions on both sides of the hand-off: an actor may only send on its own edges,
 * and time never goes backwards at an actor.
 */

import { AssertionFailure } from '../core/errors.js';
import { withNodeHistograms } from '../metrics/node-recorder.js';
import type { Actor, ActorContext, ActorReport } from '../model/actors/actor.js';
import { type Chooser, type ChooserCounts, RecordingChooser } from '../model/choice/chooser.js';
import { type LinkStats, LinkTiming } from '../model/platform/link-timing.js';
import { SELF_LINK, type SendFields, type SimMessage, stampOrder } from '../model/protocol/sim-message.js';
import { DepartureTable } from './departure-table.js';
import { EventDigest, EventRecord } from './digest.js';
import { type EventCost, EventCosts } from './event-costs.js';
import type { MachinePlan } from './machine-module.js';
import { MessagePool } from './message-pool.js';
import { type ActorTrace, RECORD_WHEN_LEFT, type TraceOptions, TraceRecorder } from './trace-recorder.js';

export type Outbox = (edge: number, msg: SimMessage) => void;

/**
 * Sequence numbers of deferred departures start here (deferDeparture); timers count from 0 below
 * it. Both wrap within their half: on `mixed` chip1 has ~100k own events (timers and departures) a
 * simulated ms (`npusim run --seed 42 --duration 1ms --inline --json`), so a run of some 20
 * simulated seconds (`--duration` takes up to 1000 s) passes 2^31, and a timer numbered from here
 * on would be taken for a departure.
 */
const DEPARTURE_SEQ = 2 ** 31;
/** RunnerOptions.tailPages counts pages of 64 KiB, the smallest page the model maps. */
const PAGE_BYTES = 2 ** 16;
/** Kind and source as one key of the page events: sources are actor indices, far below this. */
const SOURCE_SPAN = 2 ** 16;
/** The ring record's seq field is 32 bits (src/core/record-fields.ts): per-destination numbers wrap there. */
const SEQ_LIMIT = 2 ** 32;

/**
 * RunnerOptions.tailPages: the pages, and the message kinds whose `address` field is a byte
 * address, the only ones that can be on a page (the runner knows no kind's fields: the caller
 * does, repro/history.ts byteAddressKinds). A TCE remap's `address` is a TCE index, and every
 * remap of the first 65536 indices read as page 0 (QA).
 */
export interface TailPages {
  pages: readonly number[];
  kinds: readonly number[];
}

/** What a runner keeps beyond the digest (all off by default: each costs a little per event). */
export interface RunnerOptions {
  /** Record up to this many events (time, kind, source, seq, address, tag), to name a divergence. */
  recordEvents?: number;
  /** Keep every value the chooser gives (the actor's choice sequence, for a failure file). */
  recordChoices?: boolean;
  /** Watch the actor's findings after every event (stop at the first violation or liveness failure). */
  watchFindings?: boolean;
  /**
   * Keep the digest's state before each of the last N events, so the digest can be rolled back to
   * a stop tick the actor ran past (a threaded run stopped at its first finding).
   */
  checkpoints?: number;
  /** Keep the last N events whole (every field), for a replay's history. */
  tailEvents?: number;
  /** Keep in the tail only events at or before this tick (a free-mode history up to a finding). */
  tailUntilTick?: number;
  /**
   * With a tail: 64 KiB page numbers (an address over 2^16, floored) whose events the tail keeps
   * however long ago they came, the last of each kind from each source whose `address` is on one
   * of them (tailEvents puts them before the last N). A finding's history then shows how its page
   * came to be as it is, its translation and its free, where the last N events, at a chip that
   * lands thousands of DMAs, reached back a few hundred nanoseconds (QA: a stale-ATS history was
   * other GPUs' DMAs only).
   */
  tailPages?: TailPages;
  /** Keep records of handled and sent messages, and samples, for a trace (trace-recorder.ts). */
  trace?: TraceOptions;
  /** Time every handler with this clock (ms), by message kind (event-costs.ts; bench `bound`). */
  timeEvents?: () => number;
}

export class ActorRunner implements ActorContext {
  now = 0;
  readonly self: number;
  readonly digest = new EventDigest();
  readonly recorded: EventRecord;
  /** Indexed by edge index; undefined for edges this actor does not send on. */
  readonly links: (LinkTiming | undefined)[];
  /** Messages sent per edge index, and received (handled) per edge index. */
  readonly sentPerEdge: number[];
  readonly receivedPerEdge: number[];
  private readonly seqTo: number[];
  private selfSeq = 0;
  /**
   * Departures deferred so far (deferDeparture), and those still waiting by their number: what
   * each needs when it leaves (its edge, its bytes, and its trace record, made when it was sent and
   * completed when it leaves: TraceRecorder.sentLater; RECORD_WHEN_LEFT without one).
   */
  private departureSeq = 0;
  private readonly departures = new DepartureTable();
  readonly pool = new MessagePool();
  /** The message being handled, for crash reports. */
  current: SimMessage | undefined;

  readonly chooser: Chooser;
  /** The strategy's own chooser (under the recorder, when recording). */
  private readonly base: Chooser;
  private readonly recording: RecordingChooser | undefined;
  private readonly recordLimit: number;
  private readonly watchFindings: boolean;
  /** Tick of this actor's first finding (a violation or a liveness failure), once it has one. */
  firstFindingTick: number | undefined;
  /** Ring of [time, h1, h2, count] before each event. */
  private readonly checkpoints: Float64Array | undefined;
  private checkpointNext = 0;
  private checkpointCount = 0;
  /** Ring of the last events, whole. */
  private readonly tail: SimMessage[] = [];
  private readonly tailLimit: number;
  private readonly tailUntil: number;
  private tailNext = 0;
  /** RunnerOptions.tailPages, and the last event of each kind and source on them, with its order. */
  private readonly tailPages: ReadonlySet<number> | undefined;
  private readonly tailPageKinds: ReadonlySet<number> | undefined;
  private readonly pageEvents = new Map<number, { m: SimMessage; order: number }>();
  /** Events kept in the tail so far: the order of the page events among themselves. */
  private tailOrder = 0;
  /** Records and samples for a trace; undefined (one check per event) unless asked for. */
  private readonly trace: TraceRecorder | undefined;
  /** Handler wall time by message kind, and the clock it is read from, when asked for. */
  private readonly costs: EventCosts | undefined;
  private readonly clockMs: (() => number) | undefined;
  /**
   * Whether any of the optional per-event work above is asked for (checkpoints, recorded events,
   * a tail, a trace, watched findings, handler times): one test per event in `handle` instead of
   * six, since a plain run (a sweep's, the benchmark's) asks for none.
   */
  private readonly extras: boolean;

  constructor(
    readonly actor: Actor,
    readonly plan: MachinePlan,
    chooser: Chooser,
    private readonly outbox: Outbox,
    private readonly selfQueue: (msg: SimMessage) => void,
    options: RunnerOptions = {},
  ) {
    this.base = chooser;
    this.recording = options.recordChoices === true ? new RecordingChooser(chooser) : undefined;
    this.chooser = this.recording ?? chooser;
    this.recordLimit = options.recordEvents ?? 0;
    this.recorded = new EventRecord(this.recordLimit);
    this.watchFindings = options.watchFindings ?? false;
    this.checkpoints =
      (options.checkpoints ?? 0) > 0 ? new Float64Array(options.checkpoints! * 4) : undefined;
    this.tailLimit = options.tailEvents ?? 0;
    this.tailUntil = options.tailUntilTick ?? Number.POSITIVE_INFINITY;
    const pages = this.tailLimit > 0 ? options.tailPages : undefined;
    this.tailPages = pages !== undefined && pages.pages.length > 0 ? new Set(pages.pages) : undefined;
    this.tailPageKinds = this.tailPages === undefined ? undefined : new Set(pages!.kinds);
    this.self = actor.index;
    this.links = plan.edges.map((e) => (e.from === actor.index ? new LinkTiming(e) : undefined));
    this.sentPerEdge = plan.edges.map(() => 0);
    this.receivedPerEdge = plan.edges.map(() => 0);
    this.seqTo = plan.actors.map(() => 0);
    this.trace =
      options.trace === undefined
        ? undefined
        : new TraceRecorder(
            options.trace,
            actor,
            this.links,
            this.sentPerEdge,
            this.receivedPerEdge,
            plan.edges.filter((e) => e.to === actor.index).map((e) => e.index),
          );
    this.clockMs = options.timeEvents;
    this.costs = options.timeEvents === undefined ? undefined : new EventCosts();
    this.extras =
      this.costs !== undefined ||
      this.checkpoints !== undefined ||
      this.recordLimit > 0 ||
      this.tailLimit > 0 ||
      this.trace !== undefined ||
      this.watchFindings;
  }

  /** The actor's report at `endTick`, its histograms as Node's own (node-recorder.ts). */
  finish(endTick: number): ActorReport {
    return withNodeHistograms(this.actor.finish(endTick));
  }

  /** Handler times by message kind, when timed (RunnerOptions.timeEvents). */
  eventCosts(): EventCost[] | undefined {
    return this.costs?.list();
  }

  /** What the trace recorder kept, up to `endTick` (call before the actor's finish). */
  traceResult(endTick: number): ActorTrace | undefined {
    return this.trace?.result(endTick);
  }

  /** Figures of this actor's outbound links at `endTick` (where the run ended or stopped). */
  linkStats(endTick: number): LinkStats[] {
    return this.links.flatMap((l) => (l === undefined ? [] : [l.figures(endTick)]));
  }

  start(): void {
    for (const e of this.actor.silentEdges?.() ?? []) {
      if (this.links[e] === undefined) {
        throw new AssertionFailure(
          `${this.actor.name} declared edge ${e} silent, but it is not one of its outbound edges`,
        );
      }
      this.silent[e] = true;
    }
    this.actor.start(this);
  }

  /** Edges the actor promised never to send on. */
  readonly silent: boolean[] = [];

  /** The edges the actor declared silent (known after start()). */
  silentEdgeList(): number[] {
    const out: number[] = [];
    this.silent.forEach((s, e) => {
      if (s) out.push(e);
    });
    return out;
  }

  send(edge: number, fields: SendFields, wireBytes: number, delayTicks = 0): void {
    const link = this.links[edge];
    if (link === undefined) {
      throw new AssertionFailure(
        `${this.actor.name} sent on edge ${edge}, which is not one of its outbound edges`,
      );
    }
    if (this.silent[edge] === true) {
      throw new AssertionFailure(
        `${this.actor.name} sent on edge ${edge} (${link.edge.label}), which it declared silent`,
      );
    }
    if (!(Number.isSafeInteger(delayTicks) && delayTicks >= 0)) {
      throw new AssertionFailure(
        `${this.actor.name} sent with a delay of ${delayTicks} ticks; expected a non-negative integer`,
      );
    }
    const msg = this.pool.take();
    fill(msg, fields);
    msg.source = this.self;
    if (delayTicks > 0) {
      this.deferDeparture(msg, edge, wireBytes, delayTicks);
      return;
    }
    this.depart(msg, link, wireBytes, RECORD_WHEN_LEFT);
  }

  /**
   * Put `msg` on its link now: the link books it from now, and it goes to its destination. The
   * sequence number is taken now too, so it follows the order the link carries messages in.
   * `traceSerial`: the trace record a deferred send made when sent (RECORD_WHEN_LEFT: none, record
   * it now; DROPPED_WHEN_SENT: counted as dropped when sent, nothing to record). Either way the
   * recorder hears of every departure, which it follows its links by (TraceRecorder.left).
   */
  private depart(msg: SimMessage, link: LinkTiming, wireBytes: number, traceSerial: number): void {
    const edge = link.edge.index;
    const to = link.edge.to;
    msg.destination = to;
    msg.link = edge;
    // Wrapped at the record's 32 bits: gpu5 sends chip1 ~36k messages a simulated ms on `mixed`
    // (the command above), so a run of some 2 simulated minutes passes 2^32 on one pair, which no ring record can carry
    // (the threaded host threw a RangeError; inline, source * 2^32 + seq ran into the next source's
    // order key). The number only breaks ties between messages of one source at one tick, and one
    // edge never delivers two at one tick (LinkTiming.arrival): only two edges of one pair (a GPU's
    // NVLink and PCIe to its chip) landing on one tick either side of a wrap order the other way,
    // both hosts alike. Compare, not `%` (see deferDeparture).
    const seq = this.seqTo[to]!;
    this.seqTo[to] = seq + 1 === SEQ_LIMIT ? 0 : seq + 1;
    msg.seq = seq;
    msg.timeTicks = link.arrival(this.now, wireBytes, this.chooser);
    stampOrder(msg);
    this.sentPerEdge[edge]!++;
    if (this.trace !== undefined) {
      if (traceSerial === RECORD_WHEN_LEFT) this.trace.sent(msg, this.now, wireBytes);
      else this.trace.left(traceSerial, edge, this.now, wireBytes, msg.timeTicks, this.sentPerEdge[edge]!);
    }
    this.outbox(edge, msg);
  }

  /**
   * A message that leaves `delayTicks` from now waits here, as an own event at its departure, and
   * is put on its link then (`departNow`): the link carries messages in the order they leave, and
   * one that leaves later, sent earlier, does not hold back one that is ready now. The event is
   * the message itself, addressed to this actor on the self link; its sequence number is one of
   * the departures' own (from DEPARTURE_SEQ up), which both tells it from a timer and orders equal
   * departures by their sends. Its link, bytes and trace record wait in `departures`: a trace
   * records it as sent now (in clock order, and kept if the run ends before it leaves), and
   * completes the record when it leaves (its arrival, its place in the edge's order).
   */
  private deferDeparture(msg: SimMessage, edge: number, wireBytes: number, delayTicks: number): void {
    const traceSerial =
      this.trace === undefined
        ? RECORD_WHEN_LEFT
        : this.trace.sentLater(msg, edge, this.now, this.now + delayTicks, wireBytes);
    msg.destination = this.self;
    msg.link = SELF_LINK;
    // Wrapped by a compare, not `%`: DEPARTURE_SEQ is no small integer to V8, so `%` by it is a
    // floating-point remainder, a call into C++ per departure (19 % of this method's samples).
    const n = this.departureSeq;
    this.departureSeq = n + 1 === DEPARTURE_SEQ ? 0 : n + 1;
    msg.seq = DEPARTURE_SEQ + n;
    msg.timeTicks = this.now + delayTicks;
    stampOrder(msg);
    this.departures.put(n, edge, wireBytes, traceSerial);
    this.selfQueue(msg);
  }

  /** A deferred message's departure (deferDeparture): onto its link now. */
  private departNow(msg: SimMessage): void {
    const table = this.departures;
    const slot = table.find(msg.seq - DEPARTURE_SEQ);
    if (slot < 0) {
      throw new AssertionFailure(`${this.actor.name}: departure ${msg.seq} was never deferred`);
    }
    const edge = table.edgeAt(slot);
    const wireBytes = table.bytesAt(slot);
    const traceSerial = table.serialAt(slot);
    table.remove(slot);
    this.depart(msg, this.links[edge]!, wireBytes, traceSerial);
  }

  schedule(delayTicks: number, fields: SendFields): void {
    if (!(Number.isSafeInteger(delayTicks) && delayTicks >= 0)) {
      throw new AssertionFailure(
        `${this.actor.name} scheduled a timer ${delayTicks} ticks ahead; expected a non-negative integer`,
      );
    }
    const msg = this.pool.take();
    fill(msg, fields);
    msg.source = this.self;
    msg.destination = this.self;
    msg.link = SELF_LINK;
    // Wrapped below DEPARTURE_SEQ (see there). Two timers for one tick scheduled either side of a
    // wrap (once in 2^31) are handled latest first; both hosts alike, so digests still agree.
    const seq = this.selfSeq;
    this.selfSeq = seq + 1 === DEPARTURE_SEQ ? 0 : seq + 1;
    msg.seq = seq;
    msg.timeTicks = this.now + delayTicks;
    stampOrder(msg);
    this.selfQueue(msg);
  }

  handle(msg: SimMessage): void {
    // Assertions on the receiving side of the hand-off; messages built only when they fail.
    if (msg.timeTicks < this.now) {
      throw new AssertionFailure(
        `${this.actor.name}: event at tick ${msg.timeTicks} after tick ${this.now} (time went backwards)`,
      );
    }
    if (msg.destination !== this.self) {
      throw new AssertionFailure(`${this.actor.name} handed a message for actor ${msg.destination}`);
    }
    this.now = msg.timeTicks;
    // A deferred departure is the runtime's: an event of this actor (in its digest and its count,
    // as every engine counts it) that no handler sees.
    if (msg.link === SELF_LINK && msg.seq >= DEPARTURE_SEQ) {
      if (this.checkpoints !== undefined) this.checkpoint(msg.timeTicks);
      // The trace's sample rows due before it are taken first: a row holds the state before every
      // event at or after its tick, and a departure changes the link's figures and its count.
      if (this.trace !== undefined) this.trace.handled(msg);
      this.digest.add(msg);
      this.departNow(msg);
      return;
    }
    if (this.extras) {
      this.handleWithExtras(msg);
      return;
    }
    this.digest.add(msg);
    if (msg.link !== SELF_LINK) this.receivedPerEdge[msg.link]!++;
    this.current = msg;
    this.actor.handle(msg, this);
    this.current = undefined;
    // Actors never keep a message past handle() (they copy what they need), so it can be reused.
    this.pool.give(msg);
  }

  /** `handle` with the optional per-event work (RunnerOptions), in the order it always ran. */
  private handleWithExtras(msg: SimMessage): void {
    if (this.checkpoints !== undefined) this.checkpoint(msg.timeTicks);
    this.digest.add(msg);
    this.recorded.push(msg);
    if (this.tailLimit > 0 && msg.timeTicks <= this.tailUntil) this.keepTail(msg);
    if (this.trace !== undefined) this.trace.handled(msg);
    if (msg.link !== SELF_LINK) this.receivedPerEdge[msg.link]!++;
    this.current = msg;
    if (this.costs !== undefined) {
      // Only the handler (and the sends it makes) is timed: the loop's own work per event is the
      // same for every kind, and the bench spreads it evenly.
      const started = this.clockMs!();
      this.actor.handle(msg, this);
      this.costs.add(msg.kind, this.clockMs!() - started);
    } else {
      this.actor.handle(msg, this);
    }
    this.current = undefined;
    this.pool.give(msg);
    if (this.watchFindings && this.firstFindingTick === undefined && (this.actor.findings?.() ?? 0) > 0) {
      this.firstFindingTick = this.now;
    }
  }

  /** Scheduling choices and agents, for a strategy that counts them (PCT and its measuring run). */
  chooserCounts(): ChooserCounts | undefined {
    const steps = this.base.steps?.();
    if (steps === undefined) return undefined;
    const changePoints = this.base.changePoints?.();
    return {
      steps,
      agents: this.base.agents?.() ?? 0,
      ...(changePoints === undefined ? {} : { changePoints }),
    };
  }

  /** The values the chooser gave, when recording (else undefined). */
  choices(): number[] | undefined {
    return this.recording?.values;
  }

  /**
   * The last events handled, oldest first (every field), when keeping a tail; before them, the
   * events on RunnerOptions.tailPages kept from earlier, oldest first.
   */
  tailEvents(): SimMessage[] {
    const n = this.tail.length;
    const last =
      n < this.tailLimit
        ? [...this.tail]
        : [...this.tail.slice(this.tailNext), ...this.tail.slice(0, this.tailNext)];
    if (this.pageEvents.size === 0) return last;
    const inLast = new Set(last);
    const earlier = [...this.pageEvents.values()]
      .filter((e) => !inLast.has(e.m))
      .sort((a, b) => a.order - b.order)
      .map((e) => e.m);
    return [...earlier, ...last];
  }

  private keepTail(m: SimMessage): void {
    const copy = { ...m };
    if (this.tail.length < this.tailLimit) this.tail.push(copy);
    else this.tail[this.tailNext] = copy;
    this.tailNext = (this.tailNext + 1) % this.tailLimit;
    const order = this.tailOrder++;
    // One per kind and source: a page's thousand DMAs from one GPU keep one line, and its one
    // translation or free is not pushed out by them.
    if (
      this.tailPages?.has(Math.floor(copy.address / PAGE_BYTES)) === true &&
      this.tailPageKinds!.has(copy.kind)
    )
      this.pageEvents.set(copy.kind * SOURCE_SPAN + copy.source, { m: copy, order });
  }

  private checkpoint(time: number): void {
    const ring = this.checkpoints!;
    const at = this.checkpointNext * 4;
    ring[at] = time;
    this.digest.save(ring, at + 1);
    this.checkpointNext = (this.checkpointNext + 1) % (ring.length / 4);
    if (this.checkpointCount < ring.length / 4) this.checkpointCount++;
  }

  /**
   * Undo the digest of every event at or after `stopTick` (a stop decided after this actor ran past
   * it). Returns how many events were undone; throws when the ring does not reach back far enough.
   */
  rollbackTo(stopTick: number): number {
    if (this.now < stopTick) return 0;
    const ring = this.checkpoints;
    const size = ring === undefined ? 0 : ring.length / 4;
    let undone = 0;
    let restoreAt = -1;
    for (let k = 1; k <= this.checkpointCount; k++) {
      const slot = (this.checkpointNext - k + size) % size;
      if (ring![slot * 4]! < stopTick) break;
      restoreAt = slot;
      undone++;
    }
    if (undone === this.checkpointCount && (undone === 0 || this.checkpointCount === size)) {
      throw new AssertionFailure(
        `${this.actor.name} ran past the stop tick ${stopTick} further than its ${size} digest checkpoints reach`,
      );
    }
    this.digest.restore(ring!, restoreAt * 4 + 1);
    return undone;
  }
}

function fill(msg: SimMessage, f: SendFields): void {
  msg.kind = f.kind;
  msg.flags = f.flags ?? 0;
  msg.address = f.address ?? 0;
  msg.lengthBytes = f.lengthBytes ?? 0;
  msg.lpid = f.lpid ?? 0;
  msg.pid = f.pid ?? 0;
  msg.tag = f.tag ?? 0;
}

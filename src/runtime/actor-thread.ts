/**
 * One actor in its own worker thread: the conservative parallel discrete-event loop.
 *
 * Theory of operation
 * -------------------
 * The actor owns one doorbell (its thread's wake word), the consumer end of every inbound ring and
 * the producer end of every outbound ring (one ring per directed edge, src/transport/ring.ts).
 *
 * Safe time. The producer of every ring publishes a safe time S: no record it publishes later
 * carries a time below S. With H = min over inbound rings of S (the horizon), every event below H
 * that will ever reach this actor is already in its rings or its heap, so events below H may be
 * handled in `compareMessages` order: exactly the order the inline runtime gives them. After each
 * slice the actor publishes, on each outbound edge e, S_e = L + latency_e, where
 * L = min(next event in the heap, H, end): anything it sends from now on is sent at a time >= L and
 * arrives at least latency_e later. Latency > 0 on every edge makes the horizons climb (the
 * Chandy-Misra-Bryant argument): no global barrier, no null message per event.
 *
 * Parking. When a slice handled nothing, drained nothing and flushed nothing, the thread parks on
 * its doorbell with `ready` = "an inbound ring has news (records, a new safe time, a close) or an
 * outbound ring I have staged records for has space, or the control word changed". Producers ring
 * a consumer's bell after every publish, safe-time store and close; consumers ring a producer's
 * bell after a release only if it armed the space waiter. The doorbell's protocol
 * (src/transport/doorbell.ts) makes that free of lost wake-ups; parks are additionally bounded by
 * PARK_MS so the thread yields to its event loop (comlink control) at least that often.
 *
 * Backpressure without deadlock. Sends never block: a record that finds its ring full is staged
 * locally and flushed later. When more than STAGE_LIMIT records are staged on any edge the actor
 * stops handling events (the backpressure) but keeps draining its inbound rings, so two actors that
 * fill each other's rings both drain and both make progress.
 *
 * End. When L >= end the actor will never handle another event: it publishes +Infinity, flushes,
 * closes its outbound rings, and keeps draining inbound rings (counting those records as in flight)
 * until every one of them has ended, so no producer is left waiting on a full ring.
 */

import { AssertionFailure, assert } from '../core/errors.js';
import type { RecordFields } from '../core/record-fields.js';
import type { Actor } from '../model/actors/actor.js';
import { createChooser, type StrategySpec } from '../model/choice/strategy.js';
import type { LinkStats } from '../model/platform/link-timing.js';
import { SELF_LINK, type SimMessage, stampOrder } from '../model/protocol/sim-message.js';
import { readMessage, writeMessage } from '../transport/codec.js';
import { Doorbell } from '../transport/doorbell.js';
import { RingConsumer, RingProducer } from '../transport/ring.js';
import { ActorRunner } from './actor-runner.js';
import type { RecordedEvent } from './digest.js';
import { EventHeap } from './event-heap.js';
import type { MachinePlan } from './machine-module.js';
import type { RingFigures, RunRecording } from './raw-run.js';
import {
  CONTROL_PAUSE,
  CONTROL_RUN,
  CONTROL_STOP,
  HORIZON_INFINITE,
  ST_BUSY_MS,
  ST_EVENTS,
  ST_FINDINGS,
  ST_PARKED_MS,
  ST_PARKS,
  ST_PROGRESS,
  ST_STATE,
  ST_TICK,
  STATE_CRASHED,
  STATE_FINISHED,
  STATE_RUNNING,
  STATUS_FIELDS,
} from './thread-status.js';

/** Events handled per slice before publishing safe times and checking control. */
const SLICE_EVENTS = 4096;
/** Records staged on one edge before the actor stops handling events. */
const STAGE_LIMIT = 16_384;
/** Upper bound of one park, so control requests are seen promptly. */
const PARK_MS = 20;
/** Bounded spin before parking: cheap re-checks while the other core finishes its slice. */
const SPIN_ROUNDS = 0;
/** Yield to the event loop (comlink) at least this often while busy. */
const YIELD_EVERY_MS = 10;

export interface ActorThreadInit extends RunRecording {
  plan: MachinePlan;
  index: number;
  seed: number;
  strategy?: StrategySpec;
  endTick: number;
  recordEvents: number;
  /**
   * One BigInt64: the tick the run stops at, once some actor found a violation or a liveness
   * failure (its tick + 1; STOP_TICK_NONE before). Every actor may lower it (atomic min).
   */
  stopTick: SharedArrayBuffer;
  /** One BigInt64 per actor: its lower bound (the stop barrier's board; stopOnFirst only). */
  lowers: SharedArrayBuffer;
  /** One ring buffer per edge, indexed like plan.edges. */
  rings: SharedArrayBuffer[];
  /** One doorbell buffer per actor. */
  bells: SharedArrayBuffer[];
  statusRows: SharedArrayBuffer;
  /** One BigInt64 per actor: its current horizon (thread-status.ts). */
  horizons: SharedArrayBuffer;
}

export interface ActorThreadResult {
  digest: string;
  events: number;
  recorded: RecordedEvent[];
  report: ReturnType<Actor['finish']>;
  sentPerEdge: number[];
  receivedPerEdge: number[];
  inFlightPerEdge: number[];
  links: LinkStats[];
  /** Figures of this actor's inbound rings (the consumer side sees the whole ring's counters). */
  rings: RingFigures[];
  reachedTick: number;
  stopped: boolean;
  /** The stop tick of a run stopped at its first finding (this actor's digest is rolled back to it). */
  firstFindingStop: number | undefined;
  choices: number[] | undefined;
  tail: RecordFields[] | undefined;
  busyMs: number;
  parkedMs: number;
  parks: number;
}

export interface Crash {
  actor: string;
  lastEvent: SimMessage | undefined;
  tick: number;
  message: string;
  stack: string;
}

interface Outbound {
  edge: number;
  /** The consuming actor. */
  to: number;
  producer: RingProducer;
  latencyTicks: number;
  staged: SimMessage[];
  stagedHead: number;
}

interface Inbound {
  edge: number;
  consumer: RingConsumer;
}

/**
 * Events an actor may handle past a stop tick before it sees the stop: each has a digest
 * checkpoint to roll back to. The lead is bounded by the lookahead chains between actors (every
 * actor hears the coordinator within a few hundred nanoseconds of simulated time), i.e. by tens
 * to hundreds of events; an actor that ran further fails loudly (actor-runner.ts rollbackTo).
 */
const STOP_CHECKPOINTS = 65_536;

export const STOP_TICK_NONE = BigInt(Number.MAX_SAFE_INTEGER);

/** A stop-tick word, shared by every actor of a threaded run. */
export function createStopTick(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(8);
  new BigInt64Array(sab)[0] = STOP_TICK_NONE;
  return sab;
}

export class ActorThread {
  private readonly runner: ActorRunner;
  private readonly bells: Doorbell[];
  private readonly stopWord: BigInt64Array;
  /** min(endTick, stop tick): events at or after it are never handled. */
  private end: number;
  private stopProposed = false;
  /** Every actor's lower bound, for the stop barrier (only when stopping at the first finding). */
  private readonly lowers: BigInt64Array | undefined;
  private passedStop = false;
  private readonly heap = new EventHeap();
  private readonly bell: Doorbell;
  private readonly outbound: Outbound[] = [];
  private readonly outByEdge: (Outbound | undefined)[];
  private readonly inbound: Inbound[] = [];
  private readonly rows: Float64Array;
  private readonly horizons: BigInt64Array;
  private publishedHorizon = 0;
  /**
   * RUN, PAUSE or STOP, set by the main thread over comlink (setCommand). A plain field: only this
   * thread's event loop writes it, between slices, so the loop reads it without atomics.
   */
  private command = CONTROL_RUN;
  private readonly row: number;
  private readonly inFlightPerEdge: number[];
  private horizon = 0;
  private events = 0;
  private busyMs = 0;
  private parkedMs = 0;
  private parks = 0;
  private stagedTotal = 0;
  crash: Crash | undefined;

  constructor(
    readonly actor: Actor,
    private readonly init: ActorThreadInit,
    private readonly clockMs: () => number = () => performance.now(),
  ) {
    const { plan, index } = init;
    assert(actor.index === index, `worker for actor ${index} was given actor ${actor.index}`);
    const bells = init.bells.map((b) => Doorbell.attach(b));
    this.bell = bells[index]!;
    this.outByEdge = plan.edges.map(() => undefined);
    for (const e of plan.edges) {
      if (e.from === index) {
        const out: Outbound = {
          edge: e.index,
          to: e.to,
          producer: new RingProducer(init.rings[e.index]!, bells[e.to]!, this.bell),
          latencyTicks: e.latencyTicks,
          staged: [],
          stagedHead: 0,
        };
        assert(e.latencyTicks > 0, `edge ${e.label} has zero latency between two threads`);
        this.outbound.push(out);
        this.outByEdge[e.index] = out;
      } else if (e.to === index) {
        this.inbound.push({
          edge: e.index,
          consumer: new RingConsumer(init.rings[e.index]!, this.bell, bells[e.from]!),
        });
      }
    }
    this.inFlightPerEdge = plan.edges.map(() => 0);
    this.rows = new Float64Array(init.statusRows);
    this.horizons = new BigInt64Array(init.horizons);
    this.row = index * STATUS_FIELDS;
    this.runner = new ActorRunner(
      actor,
      plan,
      createChooser(init.strategy, init.seed, index),
      (edge, m) => this.stage(edge, m),
      (m) => this.heap.push(m),
      {
        recordEvents: init.recordEvents,
        recordChoices: init.recordChoices,
        watchFindings: init.stopOnFirst,
        checkpoints: init.stopOnFirst === true ? STOP_CHECKPOINTS : 0,
        tailEvents: init.tailEvents,
      },
    );
    this.bells = bells;
    this.stopWord = new BigInt64Array(init.stopTick);
    this.lowers = init.stopOnFirst === true ? new BigInt64Array(init.lowers) : undefined;
    this.end = init.endTick;
  }

  private stage(edge: number, m: SimMessage): void {
    const out = this.outByEdge[edge]!;
    out.staged.push(m);
    this.stagedTotal++;
  }

  /** Run to the end (or a stop request). Rejects with a Crash-carrying error if the actor throws. */
  async run(): Promise<ActorThreadResult> {
    const rows = this.rows;
    const r = this.row;
    rows[r + ST_STATE] = STATE_RUNNING;
    let stopped = false;
    let lastYield = this.clockMs();
    let sliceStart = lastYield;
    try {
      this.runner.start();
      for (;;) {
        const control = this.command;
        if (control === CONTROL_STOP) {
          stopped = true;
          break;
        }
        if (control === CONTROL_PAUSE) {
          this.park(() => this.command !== CONTROL_PAUSE);
          await yieldToEventLoop();
          continue;
        }
        this.readStopTick();
        const end = this.end;
        // Horizon first, then drain: a producer publishes its records before the safe time that
        // covers them, so every record below the horizon read here is visible to the drain below.
        const h = this.readHorizon();
        const drained = this.drainInbound(false);
        let handled = 0;
        if (this.stagedTotal === 0 || !this.backpressured()) {
          const heap = this.heap;
          while (handled < SLICE_EVENTS) {
            const top = heap.peek();
            if (top === undefined || top.timeTicks >= h || top.timeTicks >= this.end) break;
            heap.pop();
            this.runner.handle(top);
            handled++;
            if (this.runner.firstFindingTick !== undefined && !this.stopProposed) {
              this.proposeStop(this.runner.firstFindingTick + 1);
            }
            if (this.stagedTotal > STAGE_LIMIT && this.backpressured()) break;
          }
        }
        this.events += handled;
        const flushed = this.stagedTotal > 0 ? this.flushOutbound() : 0;
        const next = this.heap.peek();
        let lower = next === undefined ? Number.POSITIVE_INFINITY : next.timeTicks;
        if (h < lower) lower = h;
        // When a run stops at its first finding, an actor may finish (at a stop or at the run's
        // end) only once every actor's lower bound has passed its end: then no actor can still
        // find something earlier, and the stop tick it reads at the finish is final.
        if (this.lowers !== undefined) this.publishLower(lower, end);
        const done = lower >= end && (this.lowers === undefined || this.stopFinal(end));
        this.publishSafeTimes(done ? Number.POSITIVE_INFINITY : lower);
        rows[r + ST_TICK] = lower === Number.POSITIVE_INFINITY || lower > end ? end : lower;
        rows[r + ST_EVENTS] = this.events;
        if (done && this.stagedTotal === 0) break;
        const now = this.clockMs();
        if (handled === 0 && drained === 0 && flushed === 0) {
          this.busyMs += now - sliceStart;
          this.park(() => this.hasWork(h));
          const after = this.clockMs();
          this.parkedMs += after - now;
          sliceStart = after;
          rows[r + ST_PARKED_MS] = this.parkedMs;
          rows[r + ST_PARKS] = this.parks;
          rows[r + ST_BUSY_MS] = this.busyMs;
          rows[r + ST_PROGRESS] = this.actor.progress();
          rows[r + ST_FINDINGS] = this.actor.findings?.() ?? 0;
          if (after - lastYield >= YIELD_EVERY_MS) {
            await yieldToEventLoop();
            lastYield = this.clockMs();
          }
        } else if (now - lastYield >= YIELD_EVERY_MS) {
          rows[r + ST_BUSY_MS] = this.busyMs + (now - sliceStart);
          rows[r + ST_PROGRESS] = this.actor.progress();
          rows[r + ST_FINDINGS] = this.actor.findings?.() ?? 0;
          await yieldToEventLoop();
          lastYield = this.clockMs();
        }
      }
    } catch (error) {
      rows[r + ST_STATE] = STATE_CRASHED;
      const e = error instanceof Error ? error : new Error(String(error));
      this.crash = {
        actor: this.actor.name,
        lastEvent: this.runner.current === undefined ? undefined : { ...this.runner.current },
        tick: this.runner.now,
        message: e.message,
        stack: e.stack ?? '',
      };
      throw Object.assign(new Error(`${this.actor.name} crashed at tick ${this.runner.now}: ${e.message}`), {
        crash: this.crash,
      });
    }
    this.busyMs += this.clockMs() - sliceStart;
    this.readStopTick();
    const firstFindingStop = this.end < this.init.endTick ? this.end : undefined;
    // Undo the digest of what this actor handled past the stop before it saw the stop, so every
    // host and every placement gives the digest of the run up to the stop tick.
    const undone = firstFindingStop === undefined ? 0 : this.runner.rollbackTo(firstFindingStop);
    this.events -= undone;
    const reachedTick = stopped ? this.runner.now : this.end;
    const report = this.actor.finish(reachedTick);
    // Events left in the heap (at or past the end, or unhandled at a stop) are in flight.
    for (let m = this.heap.pop(); m !== undefined; m = this.heap.pop()) {
      if (m.link !== SELF_LINK) this.inFlightPerEdge[m.link]!++;
    }
    await this.shutDown();
    rows[r + ST_STATE] = STATE_FINISHED;
    rows[r + ST_BUSY_MS] = this.busyMs;
    return {
      digest: this.runner.digest.hex(),
      events: this.events,
      recorded: this.runner.recorded,
      report,
      sentPerEdge: this.runner.sentPerEdge,
      receivedPerEdge: this.runner.receivedPerEdge,
      inFlightPerEdge: this.inFlightPerEdge,
      links: this.runner.linkStats(),
      rings: this.inbound.map(({ edge, consumer }) => {
        const s = consumer.stats();
        return {
          edge,
          label: this.init.plan.edges[edge]!.label,
          records: s.records,
          batches: s.batches,
          fullStalls: s.fullStalls,
          parks: s.parks,
          wakeups: s.wakeups,
          highWaterRecords: s.highWaterRecords,
          capacityRecords: s.capacityRecords,
        };
      }),
      reachedTick,
      stopped,
      firstFindingStop,
      choices: this.runner.choices(),
      tail: (this.init.tailEvents ?? 0) > 0 ? this.runner.tailEvents() : undefined,
      busyMs: this.busyMs,
      parkedMs: this.parkedMs,
      parks: this.parks,
    };
  }

  /**
   * After the last event: flush what is staged, close every outbound ring, then drain inbound rings
   * until each has ended (their producers close them when they finish), counting what arrives as in
   * flight. Every wait is a bounded park; the main thread's watchdog covers a peer that never ends.
   */
  private async shutDown(): Promise<void> {
    // From here on this actor only drains: every producer should tell it about every record.
    this.publishHorizon(Number.POSITIVE_INFINITY);
    this.publishSafeTimes(Number.POSITIVE_INFINITY);
    let lastYield = this.clockMs();
    for (;;) {
      const stop = this.command === CONTROL_STOP;
      if (this.stagedTotal > 0 && !stop) this.flushOutbound();
      if (this.stagedTotal === 0 || stop) break;
      this.drainInbound(true);
      this.park(() => this.hasWork(Number.POSITIVE_INFINITY));
      if (this.clockMs() - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = this.clockMs();
      }
    }
    // Records still staged after a stop request never reached a ring: they are in flight.
    for (const out of this.outbound) {
      this.inFlightPerEdge[out.edge]! += out.staged.length - out.stagedHead;
      out.producer.close();
    }
    for (;;) {
      this.drainInbound(true);
      if (this.inbound.every((i) => i.consumer.ended())) break;
      if (this.command === CONTROL_STOP && this.inbound.every((i) => i.consumer.closed())) {
        this.drainInbound(true);
        break;
      }
      this.park(() => this.inbound.some((i) => i.consumer.hasNews()));
      if (this.clockMs() - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = this.clockMs();
      }
    }
  }

  private backpressured(): boolean {
    for (const out of this.outbound) if (out.staged.length - out.stagedHead > STAGE_LIMIT) return true;
    return false;
  }

  private readHorizon(): number {
    let h = Number.POSITIVE_INFINITY;
    for (const { consumer } of this.inbound) {
      const s = consumer.safeTime();
      if (s < h) h = s;
    }
    this.horizon = h;
    if (h !== this.publishedHorizon) this.publishHorizon(h);
    return h;
  }

  private publishHorizon(h: number): void {
    this.publishedHorizon = h;
    Atomics.store(
      this.horizons,
      this.actor.index,
      h === Number.POSITIVE_INFINITY ? HORIZON_INFINITE : BigInt(h),
    );
  }

  /** The horizon a consumer last published (+Infinity once it is shutting down). */
  private horizonOf(actor: number): number {
    const v = Atomics.load(this.horizons, actor);
    return v === HORIZON_INFINITE ? Number.POSITIVE_INFINITY : Number(v);
  }

  /** Move every available inbound record into the heap (or count it as in flight after the end). */
  private drainInbound(afterEnd: boolean): number {
    let total = 0;
    for (const { edge, consumer } of this.inbound) {
      const n = consumer.available();
      if (n === 0) continue;
      const words = consumer.words;
      if (afterEnd) {
        this.inFlightPerEdge[edge]! += n;
      } else {
        const pool = this.runner.pool;
        const self = this.actor.index;
        const now = this.runner.now;
        for (let i = 0; i < n; i++) {
          const m = pool.take();
          readMessage(words, consumer.offsetOf(i), m);
          stampOrder(m);
          // Assertions on the consuming side of the hand-off (messages built only on failure).
          if (m.destination !== self || m.link !== edge) {
            throw new AssertionFailure(
              `${this.actor.name}: record for actor ${m.destination} on edge ${m.link} arrived on edge ${edge}`,
            );
          }
          if (m.timeTicks < now) {
            throw new AssertionFailure(
              `${this.actor.name}: record at tick ${m.timeTicks} arrived after tick ${now} on edge ${edge} (safe time broken)`,
            );
          }
          this.heap.push(m);
        }
      }
      consumer.release(n);
      total += n;
    }
    return total;
  }

  /** Copy staged records into their rings as space allows; returns how many moved. */
  private flushOutbound(): number {
    let moved = 0;
    for (const out of this.outbound) {
      const pending = out.staged.length - out.stagedHead;
      if (pending === 0) continue;
      const p = out.producer;
      const n = p.tryReserve(pending);
      if (n === 0) {
        p.armSpaceWake();
        continue;
      }
      const words = p.words;
      const pool = this.runner.pool;
      for (let i = 0; i < n; i++) {
        const m = out.staged[out.stagedHead + i]!;
        writeMessage(words, p.offsetOf(i), m);
        pool.give(m);
      }
      // Records never fall below a consumer's horizon (each carries a time >= the safe time we had
      // published, and H_c <= that), so they cannot let it handle anything until a safe-time
      // notify comes; only a consumer draining at the end (H_c = +Infinity) is told at once.
      p.publish(n, this.horizonOf(out.to) === Number.POSITIVE_INFINITY);
      out.stagedHead += n;
      if (out.stagedHead === out.staged.length) {
        out.staged.length = 0;
        out.stagedHead = 0;
      } else if (out.stagedHead > 4096) {
        out.staged.splice(0, out.stagedHead);
        out.stagedHead = 0;
      }
      moved += n;
      this.stagedTotal -= n;
      if (n < pending) p.armSpaceWake();
    }
    return moved;
  }

  private publishSafeTimes(lower: number): void {
    for (const out of this.outbound) {
      if (this.runner.silent[out.edge] === true) {
        if (out.producer.publishedSafeTime() !== Number.POSITIVE_INFINITY)
          out.producer.publishSafeTime(Number.POSITIVE_INFINITY);
        continue;
      }
      const t = lower === Number.POSITIVE_INFINITY ? lower : lower + out.latencyTicks;
      if (t > out.producer.publishedSafeTime()) out.producer.publishSafeTime(t);
    }
  }

  private hasWork(h: number): boolean {
    if (this.command !== CONTROL_RUN) return true;
    for (const { consumer } of this.inbound) if (consumer.hasNews()) return true;
    if (this.stagedTotal > 0) {
      for (const out of this.outbound)
        if (out.staged.length > out.stagedHead && out.producer.free() > 0) return true;
    }
    if (this.stopChanged()) return true;
    if (this.lowers !== undefined && this.stopFinal(this.end)) return true;
    const top = this.heap.peek();
    return top !== undefined && top.timeTicks < h && top.timeTicks < this.end && !this.backpressured();
  }

  /** Lower the run's stop tick to `tick` (atomic min), then wake every actor to see it. */
  private proposeStop(tick: number): void {
    this.stopProposed = true;
    const want = BigInt(tick);
    for (;;) {
      const cur = Atomics.load(this.stopWord, 0);
      if (cur <= want) break;
      if (Atomics.compareExchange(this.stopWord, 0, cur, want) === cur) break;
    }
    this.readStopTick();
    for (const b of this.bells) b.ring();
  }

  /**
   * Publish this actor's lower bound (no event it will ever handle is earlier) for the stop
   * barrier; the first time it passes a pending stop, wake everyone to look.
   */
  private publishLower(lower: number, end: number): void {
    const v = lower >= Number.MAX_SAFE_INTEGER ? STOP_TICK_NONE : BigInt(lower);
    Atomics.store(this.lowers!, this.actor.index, v);
    if (lower >= end && !this.passedStop) {
      this.passedStop = true;
      for (const b of this.bells) b.ring();
    }
  }

  /** Every actor's published lower bound is at or past `stop`: no finding can come before it. */
  private stopFinal(stop: number): boolean {
    this.readStopTick();
    if (this.end < stop) return false;
    const want = BigInt(stop);
    for (let a = 0; a < this.lowers!.length; a++) if (Atomics.load(this.lowers!, a) < want) return false;
    return true;
  }

  /** Take a lower stop tick into `end`. */
  private readStopTick(): void {
    const stop = Number(Atomics.load(this.stopWord, 0));
    if (stop < this.end) this.end = stop;
  }

  private stopChanged(): boolean {
    return Number(Atomics.load(this.stopWord, 0)) < this.end;
  }

  private park(ready: () => boolean): 'ready' | 'woken' | 'timed-out' {
    const result = this.bell.park(ready, PARK_MS, SPIN_ROUNDS);
    if (result !== 'ready') this.parks++;
    return result;
  }

  /** Control plane (comlink): pause, resume or stop at the next slice; wakes the thread if parked. */
  setCommand(command: number): void {
    if (command !== CONTROL_RUN && command !== CONTROL_PAUSE && command !== CONTROL_STOP) {
      throw new RangeError(`Expected a command of RUN (0), PAUSE (1) or STOP (2), got \`${command}\``);
    }
    this.command = command;
    this.bell.ring();
  }

  /** Live figures for a stats snapshot over comlink. */
  snapshot(): { actor: string; tick: number; events: number; horizon: number; heap: number; staged: number } {
    return {
      actor: this.actor.name,
      tick: this.runner.now,
      events: this.events,
      horizon: this.horizon,
      heap: this.heap.size,
      staged: this.stagedTotal,
    };
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

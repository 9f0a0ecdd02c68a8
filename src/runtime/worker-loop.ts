/**
 * One worker thread hosting a group of actors (placement.ts): the conservative parallel
 * discrete-event loop. With one actor per worker (the default placement) this is the product's
 * shape: every GPU and every P9 chip in its own thread.
 *
 * Theory of operation
 * -------------------
 * The worker owns one doorbell (its thread's wake word), an event queue (event-queue.ts) shared by its actors, the
 * consumer end of every ring whose edge enters the group from another worker, and the producer end
 * of every ring whose edge leaves the group. A message between two actors of the group never
 * touches a ring: it goes straight into the queue, exactly as the inline runtime does it.
 *
 * Safe time. The producer of every ring publishes a safe time S: no record it publishes later
 * carries a time below S. With H = min over inbound rings of S (the horizon), every event below H
 * that will ever reach this group is already in its rings or its queue, so events below H may be
 * handled in `compareMessages` order: exactly the order the inline runtime gives them, actor by
 * actor. After each slice the worker publishes, on each outbound edge e, S_e = L + latency_e,
 * where L = min(next event in the queue, H, end): anything any of its actors sends from now on is
 * sent at a time >= L and arrives at least latency_e later. Latency > 0 on every edge between two
 * workers makes the horizons climb (the Chandy-Misra-Bryant argument): no global barrier, no null
 * message per event.
 *
 * Parking. When a slice handled nothing, drained nothing and flushed nothing, the thread parks on
 * its doorbell with `ready` = "an inbound ring has news (records, a new safe time, a close) or an
 * outbound ring I have staged records for has space, or the control word changed". A ring whose
 * close this thread has seen before reading its last safe time, and which has ended, is no longer
 * news: nothing can change on it, and counting it would make the thread spin instead of park
 * while it waits for a slower producer (Inbound.settled). Producers ring
 * a consumer's bell after a safe-time store that may raise its horizon (safe-times.ts, the wake
 * rule), after a close, after a publish of records only once it drains at the end or when the
 * ring is full with records staged behind it (publishFlushed; staged-edge.ts awaitSpace: only its
 * drain frees the space); consumers ring a producer's bell after a release only if it armed the
 * space waiter. The doorbell's protocol
 * (src/transport/doorbell.ts) makes that free of lost wake-ups. Before parking the thread may spin
 * a bounded number of rounds re-checking `ready` (only when the runtime allows it, `spinRounds` >
 * 0: a spin only pays when workers do not outnumber cores, since a spinning thread takes the core
 * from the one it waits for; the spin then adapts, parkSpinning); parks are bounded (thread-loop.ts, which holds what both loops share) so the
 * thread yields to its event loop (comlink control) at least that often.
 *
 * Backpressure without deadlock. Sends never block: a record that finds its ring full is staged
 * locally and flushed later. When more than STAGE_LIMIT records are staged on any edge the worker
 * stops handling events (the backpressure) but keeps draining its inbound rings, so two workers
 * that fill each other's rings both drain and both make progress.
 *
 * End. When L >= end the worker will never handle another event: it publishes +Infinity, flushes,
 * closes its outbound rings, and keeps draining inbound rings (counting those records as in
 * flight) until every one of them has ended, so no producer is left waiting on a full ring. It
 * reads no safe times then, so it parks on records, space, ends and the stop command only
 * (worker-edges.ts canFlushOrDrain, canEndDrain).
 *
 * Stop at the first finding. An actor that finds a violation or a liveness failure at tick T
 * lowers the run's stop tick to T + 1 (an atomic min shared by every worker) and rings every
 * bell; each worker then handles no event at or after the stop. A worker may have run past the
 * stop before it heard of it (its lead is bounded by the lookahead chains), so each actor keeps a
 * digest checkpoint per event and rolls its digest back to the stop (actor-runner.ts). A worker
 * finishes only once every worker's lower bound (published on the `lowers` board) has passed its
 * end: then no worker can still find something earlier, and the stop tick it reads is final.
 *
 * A crash. When an actor throws handling an event at tick T (or in its start, T = 0), the crash
 * the run reports must be the one the inline runtime meets first, whatever the wall-clock order
 * of the workers: the least in event order (crash-order.ts). So the worker does not simply quit:
 * it lowers the run's crash stop to T + 1 (every worker then handles no event after tick T),
 * flushes what its actors sent before the throw (still under the safe times it had published, so
 * no peer has passed them), then leaves as a finished worker does (+Infinity safe times, rings
 * closed, inbound drained; and no lower bound held on the stop barrier). Every other worker runs up
 * to T + 1 and so meets every event before the crash, and any earlier crash of its own; the main
 * thread waits for all of them and reports the least crash. The digests of a crashed run are not
 * reported, so nothing is rolled back after a crash stop. With stop-on-first a finding may stop the
 * run before the crash (the inline runtime meets the crash only if its tick is below the finding's
 * stop): the crashed worker waits for the stop barrier, and if the finding's stop is the earlier,
 * its crash counts for nothing and it reports as any other worker, rolled back to the stop.
 */
import { AssertionFailure, assert } from '../core/errors.js';
import type { Actor } from '../model/actors/actor.js';
import { createChooser } from '../model/choice/strategy.js';
import { type SimMessage, stampOrder } from '../model/protocol/sim-message.js';
import { readMessage } from '../transport/codec.js';
import { ActorRunner } from './actor-runner.js';
import { EventQueue } from './event-queue.js';
import type { MessagePool } from './message-pool.js';
import { SafeTimes } from './safe-times.js';
import { closeStaged, hasFlushable, stagedCount } from './staged-edge.js';
import { StopBarrier } from './stop-barrier.js';
import { WorkerEnd } from './stop-tick.js';
import { ThreadLoop, Turn } from './thread-loop.js';
import { CONTROL_RUN, CONTROL_STOP } from './thread-status.js';
import type { Crash } from './worker-crash.js';
import { canEndDrain, canFlushOrDrain, type Inbound, type Outbound, wireEdges } from './worker-edges.js';
import type { WorkerInit } from './worker-init.js';
import { actorOutcome, type WorkerResult, type WorkerSnapshot } from './worker-result.js';

export type { Crash };

/** Events handled per slice before publishing safe times and checking control. */
const SLICE_EVENTS = 4096;
/**
 * Events handled between two publications of safe times within a slice (publishMidSlice): on 3 ms
 * of stress --workers 2 here, 8 and 16 ran fastest (about 3.1 s), 2 and 4 paid for the publishes,
 * 32 and 64 overlapped less.
 */
const PUBLISH_EVERY = 16;
/** Records staged on one edge before the worker stops handling events. */
const STAGE_LIMIT = 16_384;
/**
 * Events an actor may handle past a stop tick before it sees the stop: each has a digest
 * checkpoint to roll back to. The lead is bounded by the lookahead chains between workers (every
 * actor hears the coordinator within a few hundred nanoseconds of simulated time), i.e. by tens to
 * hundreds of events; an actor that ran further fails loudly (actor-runner.ts rollbackTo).
 */
const STOP_CHECKPOINTS = 65_536;

export class WorkerLoop extends ThreadLoop<Outbound> {
  private readonly runners: ActorRunner[];
  /** Local runner of each actor index (undefined for actors of other workers). */
  private readonly runnerOf: (ActorRunner | undefined)[];
  /** Where the run ends for this worker: min(endTick, the shared stop tick). */
  private readonly stop: WorkerEnd;
  /** With stop-on-first: the lowers board every worker must pass before it finishes. */
  private readonly barrier: StopBarrier | undefined;
  private readonly heap = new EventQueue();
  protected readonly outbound: Outbound[];
  private readonly outByEdge: (Outbound | undefined)[];
  private readonly inbound: Inbound[];
  private readonly safe: SafeTimes;
  /** The pool a staged message goes back to once written: its sender's (made once, for flushes). */
  protected readonly poolOf: (m: SimMessage) => MessagePool;
  /**
   * Publish a flushed batch. Records never fall below a consumer's horizon (each carries a time >=
   * the safe time we had published, and H_c <= that), so they cannot let it handle anything until
   * a safe-time notify comes; only a consumer draining at the end (H_c = +Infinity) is told at once.
   * A batch that fills the ring with more staged behind it is the exception: the flush rings the
   * consumer then (staged-edge.ts awaitSpace), since only its drain lets this worker go on.
   */
  protected readonly publishFlushed = (out: Outbound, n: number): void =>
    out.producer.publish(n, this.safe.horizonOf(out.toWorker) === Number.POSITIVE_INFINITY);
  private events = 0;
  /**
   * Every event of this group below this tick is handled (the last slice's lower bound, at most
   * the end): how far an interrupted run got, even for a group whose actors had no event yet.
   */
  private handledBelow = 0;
  /** The runner whose event is being handled, for crash reports. */
  private current: ActorRunner | undefined;

  constructor(actors: readonly Actor[], init: WorkerInit, clockMs: () => number = () => performance.now()) {
    super(init, actors, clockMs);
    const { plan, worker, workerOf } = init;
    this.runnerOf = plan.actors.map(() => undefined);
    this.runners = actors.map((actor) => {
      assert(workerOf[actor.index] === worker, `worker ${worker} was given actor ${actor.name} of another`);
      const runner = new ActorRunner(
        actor,
        plan,
        createChooser(init.strategy, init.seed, actor.index),
        (edge, m) => this.send(edge, m),
        (m) => this.heap.push(m),
        {
          recordEvents: init.recordEvents,
          recordChoices: init.recordChoices,
          watchFindings: init.stopOnFirst,
          checkpoints: init.stopOnFirst === true ? STOP_CHECKPOINTS : 0,
          tailEvents: init.tailEvents,
          tailPages: init.tailPages,
          trace: init.trace,
        },
      );
      this.runnerOf[actor.index] = runner;
      return runner;
    });
    this.poolOf = (m) => this.runnerOf[m.source]!.pool;
    ({
      outbound: this.outbound,
      inbound: this.inbound,
      outByEdge: this.outByEdge,
    } = wireEdges(init, this.bells));
    this.safe = new SafeTimes(new BigInt64Array(init.horizons), worker, this.inbound, this.outbound);
    const ringAll = () => this.ringAll();
    this.stop = new WorkerEnd(init.stopTick, init.endTick, ringAll);
    this.barrier =
      init.stopOnFirst === true ? new StopBarrier(init.lowers, worker, this.stop, ringAll) : undefined;
  }

  protected crashRunner(): ActorRunner {
    return this.current ?? this.runners[0]!;
  }

  /** A send of one of the group's actors: into the queue if the receiver is here, else staged. */
  private send(edge: number, m: SimMessage): void {
    const out = this.outByEdge[edge];
    if (out === undefined) {
      this.heap.push(m);
      return;
    }
    this.stage(out, m);
  }

  protected async waitForNews(): Promise<void> {
    const h = this.safe.horizon;
    await this.time.idle(() => this.parkSpinning(() => this.hasWork(h)));
  }

  /**
   * No partner has published a safe time yet: the horizon (min over the inbound rings) is still
   * 0, which no publication leaves it at (a safe time is a next event plus a lookahead above 0).
   */
  protected override beforeFirstWindow(): boolean {
    return this.safe.horizon === 0;
  }

  /** Start every actor, and mark the edges their senders promised never to use. */
  protected begin(): void {
    for (const runner of this.runners) {
      this.current = runner;
      runner.start();
      for (const e of runner.silentEdgeList()) {
        const out = this.outByEdge[e];
        if (out !== undefined) out.silent = true;
      }
    }
    this.current = undefined;
  }

  /** One slice: horizon, drain, handle, flush, publish. */
  protected turn(): Turn {
    this.stop.read();
    // Horizon first, then drain: a producer publishes its records before the safe time that
    // covers them, so every record below the horizon read here is visible to the drain below.
    const h = this.safe.readHorizon();
    const drained = this.drainInbound();
    const handled = this.stagedTotal === 0 || !this.backpressured() ? this.handleSlice(h) : 0;
    this.events += handled;
    const end = this.stop.end;
    const flushed = this.stagedTotal > 0 ? this.flushOutbound() : 0;
    const lower = this.lowerBound(h);
    // When a run stops at its first finding, a worker may finish (at a stop or at the run's
    // end) only once every worker's lower bound has passed its end: then no worker can still
    // find something earlier, and the stop tick it reads at the finish is final.
    if (this.barrier !== undefined) this.barrier.publishLower(lower, end);
    this.handledBelow = Math.min(lower, end);
    const done = lower >= end && (this.barrier === undefined || this.barrier.final(end));
    this.safe.publishSafeTimes(done ? Number.POSITIVE_INFINITY : lower);
    this.status.position(lower === Number.POSITIVE_INFINITY || lower > end ? end : lower, this.events);
    if (done && this.stagedTotal === 0) return Turn.Done;
    return handled === 0 && drained === 0 && flushed === 0 ? Turn.Idle : Turn.Worked;
  }

  /**
   * An actor threw (header, "A crash"): stop the run after its tick, deliver, leave. With
   * stop-on-first, wait for the stop barrier: a finding's stop before the crash makes the crash
   * count for nothing (false), and this worker then reports as any other, rolled back to it.
   */
  protected override async afterCrash(): Promise<boolean> {
    this.time.stop();
    this.stop.proposeCrash((this.crash?.tick ?? 0) + 1);
    this.barrier?.publishLower(Number.POSITIVE_INFINITY, this.stop.end);
    // Every staged record carries a time at or above the safe times already published, which no
    // peer has passed: flush them all before shutDown publishes +Infinity.
    while (this.stagedTotal > 0 && this.command !== CONTROL_STOP) {
      if (this.flushOutbound() > 0) continue;
      this.parkMeasured(() => this.command === CONTROL_STOP || hasFlushable(this.outbound));
      await this.time.yieldIfDue();
    }
    await this.shutDown();
    const barrier = this.barrier;
    if (barrier === undefined) return true;
    while (!barrier.final(this.stop.end) && this.command !== CONTROL_STOP) {
      this.parkMeasured(() => this.command === CONTROL_STOP || barrier.final(this.stop.end));
      await this.time.yieldIfDue();
    }
    return this.command === CONTROL_STOP || this.stop.crashStands();
  }

  /** After the loop: roll back past the stop, shut the rings down, and hand back the figures. */
  protected async finish(stopped: boolean): Promise<WorkerResult> {
    this.time.stop();
    this.stop.read();
    const firstFindingStop = this.stop.end < this.init.endTick ? this.stop.end : undefined;
    // Undo the digest of what each actor handled past the stop before it saw the stop, so every
    // host and every placement gives the digest of the run up to the stop tick. After a crash
    // that stands there is nothing to undo: the run reports the crash, not digests.
    const rollBack = firstFindingStop !== undefined && !this.stop.crashStands();
    for (const runner of this.runners) {
      if (rollBack) this.events -= runner.rollbackTo(firstFindingStop);
    }
    // An actor of this worker threw past the stop (its crash counts for nothing): the slice it
    // threw in never added its events, so count them from the digests, which are exact.
    if (this.crash !== undefined) this.events = this.runners.reduce((n, x) => n + x.digest.count, 0);
    // Stopped (Ctrl-C): the group got as far as its last event, or as its lower bound where that
    // is further (an actor with nothing to do until later has still passed every tick below it).
    const reachedTick = stopped
      ? Math.max(this.handledBelow, ...this.runners.map((x) => x.now))
      : this.stop.end;
    const traces = this.runners.map((x) => x.traceResult(reachedTick));
    const reports = this.runners.map((x) => x.finish(reachedTick));
    this.countHeapInFlight(this.heap);
    await this.shutDown();
    this.status.finished(this.time.busyMs);
    const edges = this.init.plan.edges.length;
    const sumPerEdge = (pick: (x: ActorRunner) => number[]) =>
      Array.from({ length: edges }, (_, e) => this.runners.reduce((s, x) => s + pick(x)[e]!, 0));
    return {
      ...this.figures(this.inbound),
      actors: this.runners.map((x, i) =>
        actorOutcome(x, reports[i]!, traces[i], this.init.tailEvents, reachedTick),
      ),
      sentPerEdge: sumPerEdge((x) => x.sentPerEdge),
      receivedPerEdge: sumPerEdge((x) => x.receivedPerEdge),
      reachedTick,
      stopped,
      firstFindingStop,
      events: this.events,
      publishes: this.safe.publishes,
    };
  }

  /** Handle up to SLICE_EVENTS events below the horizon and the end, in order. */
  private handleSlice(h: number): number {
    const heap = this.heap;
    const runnerOf = this.runnerOf;
    const stop = this.stop;
    // Only when workers do not outnumber cores (the loop spins then): a peer is then running or
    // spinning, and starts at once; with more workers than cores the extra notifies wake parked
    // threads that only compete for the cores (per-actor on two cores ran slower with them).
    // Not while spinning is off (adaptive-spin.ts: other processes hold the cores), for the same
    // reason.
    const midSlice = this.spin?.active === true;
    let handled = 0;
    while (handled < SLICE_EVENTS) {
      const top = heap.popBefore(Math.min(h, stop.end));
      if (top === undefined) break;
      const runner = runnerOf[top.destination]!;
      this.current = runner;
      runner.handle(top);
      handled++;
      if (runner.firstFindingTick !== undefined && !stop.proposed) stop.propose(runner.firstFindingTick + 1);
      if (this.stagedTotal > STAGE_LIMIT && this.backpressured()) break;
      if (midSlice && handled % PUBLISH_EVERY === 0) this.publishMidSlice(h);
    }
    this.current = undefined;
    return handled;
  }

  /**
   * Within a slice: flush, then publish the safe times the events handled so far allow, so a
   * peer waiting on them starts its next window while this worker finishes its own (without it,
   * two workers whose horizons leapfrog take turns instead of overlapping).
   */
  private publishMidSlice(h: number): void {
    if (this.stagedTotal > 0) this.flushOutbound();
    const lower = this.lowerBound(h);
    if (lower < this.stop.end) this.safe.publishSafeTimes(lower);
  }

  /** L: no event this worker handles from now on is earlier (its next event, or the horizon). */
  private lowerBound(h: number): number {
    const next = this.heap.peek();
    return next === undefined || next.timeTicks > h ? h : next.timeTicks;
  }

  /**
   * After the last event: flush what is staged, close every outbound ring, then drain inbound rings
   * until each has ended (their producers close them when they finish), counting what arrives as in
   * flight. Every wait is a bounded park; the main thread's watchdog covers a peer that never ends.
   */
  private async shutDown(): Promise<void> {
    // From here on this worker only drains: every producer should tell it about every record. Not
    // on a stop request (Ctrl-C), which reaches each worker when it next yields: a partner that has
    // not yet taken it would run on past the tick the run is reported to, unbounded by this
    // worker's last safe time, until its own yield or its ring to here filled (QA: ~4,100 events,
    // ~10 us, past the stop, where the lookahead is 150 ns). Held there, it idles, yields and stops.
    if (this.command !== CONTROL_STOP) {
      this.safe.publishHorizon(Number.POSITIVE_INFINITY);
      this.safe.publishSafeTimes(Number.POSITIVE_INFINITY);
    }
    for (;;) {
      const stop = this.command === CONTROL_STOP;
      if (this.stagedTotal > 0 && !stop) this.flushOutbound();
      if (this.stagedTotal === 0 || stop) break;
      this.countInboundInFlight(this.inbound);
      this.parkMeasured(() => canFlushOrDrain(this.command === CONTROL_STOP, this.inbound, this.outbound));
      await this.time.yieldIfDue();
    }
    // Records still staged after a stop request never reached a ring: they are in flight.
    closeStaged(this.outbound, this.inFlightPerEdge);
    for (;;) {
      this.countInboundInFlight(this.inbound);
      if (this.inbound.every((i) => i.consumer.ended())) break;
      if (this.command === CONTROL_STOP && this.inbound.every((i) => i.consumer.closed())) {
        this.countInboundInFlight(this.inbound);
        break;
      }
      this.parkMeasured(() => canEndDrain(this.command === CONTROL_STOP, this.inbound));
      await this.time.yieldIfDue();
    }
  }

  private backpressured(): boolean {
    for (const out of this.outbound) if (stagedCount(out) > STAGE_LIMIT) return true;
    return false;
  }

  /** Move every available inbound record into the queue. */
  private drainInbound(): number {
    let total = 0;
    for (const { edge, consumer } of this.inbound) {
      const n = consumer.available();
      if (n === 0) continue;
      const words = consumer.words;
      const runner = this.runnerOf[this.init.plan.edges[edge]!.to]!;
      const pool = runner.pool;
      const now = runner.now;
      for (let i = 0; i < n; i++) {
        const m = pool.take();
        readMessage(words, consumer.offsetOf(i), m);
        stampOrder(m);
        // Assertions on the consuming side of the hand-off (messages built only on failure).
        if (m.link !== edge || this.runnerOf[m.destination] !== runner) {
          throw new AssertionFailure(
            `worker ${this.init.worker}: record for actor ${m.destination} on edge ${m.link} arrived on edge ${edge}`,
          );
        }
        if (m.timeTicks < now) {
          throw new AssertionFailure(
            `${runner.actor.name}: record at tick ${m.timeTicks} arrived after tick ${now} on edge ${edge} (safe time broken)`,
          );
        }
        this.heap.push(m);
      }
      consumer.release(n);
      total += n;
    }
    return total;
  }

  private hasWork(h: number): boolean {
    if (this.command !== CONTROL_RUN) return true;
    for (const { consumer, settled } of this.inbound) {
      if (consumer.hasNews() && !(settled && consumer.ended())) return true;
    }
    if (this.stagedTotal > 0 && hasFlushable(this.outbound)) return true;
    if (this.stop.changed()) return true;
    if (this.barrier?.final(this.stop.end)) return true;
    const top = this.heap.peek();
    return top !== undefined && top.timeTicks < h && top.timeTicks < this.stop.end && !this.backpressured();
  }

  /** Live figures for a stats snapshot over comlink. */
  snapshot(): WorkerSnapshot {
    return {
      worker: this.init.worker,
      actors: this.runners.map((x) => x.actor.name),
      tick: Math.min(...this.runners.map((x) => x.now)),
      events: this.events,
      horizon: this.safe.horizon,
      heap: this.heap.size,
      staged: this.stagedTotal,
    };
  }
}

/**
 * The free-running worker loop (`npusim run --free`): one actor per worker thread, and no
 * safe-time waiting. Each actor handles what has arrived as soon as it has arrived, so the order
 * in which it takes records from its inbound rings comes from real thread timing, not from a
 * chooser. The coordinator's ordering rules are then all that keeps the run safe.
 *
 * Theory of operation
 * -------------------
 * Rings and doorbells are those of the conservative loop (worker-loop.ts); safe times are never
 * published or read. One step of the loop: take every record waiting in every inbound ring (in
 * ring order, each batch logged with the actor's event count, take-log.ts), flush staged sends,
 * then handle events from the actor's own heap in time order, taking again before each event
 * that follows a publish to it (its `news` word, which each producer bumps after a publish: one
 * load between events instead of one per ring), so a timer and a record that race are decided by
 * which arrived first. A record taken "in the past" is handled at the actor's clock and counted
 * late (free-actor.ts). A producer rings its consumer's bell for a batch only when the batch
 * lowered the consumer's L (below): a consumer with earlier work is running or waiting for the
 * window, and takes the batch when it next looks (its park's ready() sees the records).
 *
 * The drift window. Free actors would otherwise run apart without limit (an actor with only
 * timers could reach the end before its peers start), and every record would arrive late. Each
 * worker publishes L, the time of its next event (+Infinity when it has none), on the `lowers`
 * board, and a producer lowers its consumer's L (an atomic min) to the earliest record of a batch
 * BEFORE it publishes the batch, so records in a ring count as their consumer's next events. An
 * actor handles an event at t only if t <= min over the OTHER workers of L + W (W, the window,
 * --free-window). The window is a pacing rule, not a safety rule: a consumer that stores its own
 * L after a producer lowered it but before it saw the records hides them until its next take,
 * and records still arrive late. Why the lowering comes first: lowered after the publish, it
 * could land after the consumer had taken the records and gone idle, and stay below every real
 * event for good, holding the others back forever. It cannot deadlock: a worker publishes its L
 * before it waits and takes (and republishes) whenever its bell rings, so once every worker waits
 * the published L are true, and the worker whose L is least has t = L <= every other L + W and
 * goes on. A waiting worker stores what it needs (its next event's time - W) on the `needs` board
 * and parks; a worker that raises its L from `old` to `new` rings exactly the waiters whose need
 * lies in (old, new]: a waiter it held back and no longer does (ringing every waiter on every
 * rise woke the whole machine for one to go on).
 *
 * Termination. One shared word, `pending`, counts busy workers plus records published and not
 * yet taken. It starts at the number of workers. A producer adds n before it publishes n records
 * (it is busy, so the word cannot reach 0 in between); a consumer that was idle adds 1 for itself
 * before it subtracts the n records it took; a worker with nothing left below its end (and
 * nothing staged) subtracts 1 and is idle. Only busy workers add, so once the word is 0 no worker
 * is busy and no record is in a ring: the run is over, for good. The worker that brings it to 0
 * rings every bell.
 *
 * Stop at the first finding lowers the shared stop tick (as in worker-loop.ts); each worker sees
 * it at its next step and handles nothing at or after it. Nothing is rolled back: a free run is
 * what it is, and its log says exactly how many events each actor handled.
 *
 * Bounds. Parks are bounded (thread-loop.ts); there is no spin (free mode runs more threads than cores);
 * staged sends never block (drains never stop, so two actors that fill each other's rings both
 * drain); Ctrl-C (CONTROL_STOP) ends the loop at once, and the records still in rings are counted
 * in flight, so conservation holds and the partial log replays.
 */
import { AssertionFailure, assert } from '../../core/errors.js';
import type { Actor } from '../../model/actors/actor.js';
import { createChooser } from '../../model/choice/strategy.js';
import type { SimMessage } from '../../model/protocol/sim-message.js';
import { readMessage } from '../../transport/codec.js';
import type { ActorRunner } from '../actor-runner.js';
import type { MessagePool } from '../message-pool.js';
import { closeStaged, hasFlushable } from '../staged-edge.js';
import { lowerWord, STOP_TICK_NONE, WorkerEnd } from '../stop-tick.js';
import { ThreadLoop, Turn } from '../thread-loop.js';
import { CONTROL_RUN } from '../thread-status.js';
import type { WorkerInit } from '../worker-init.js';
import { actorOutcome, type WorkerResult, type WorkerSnapshot } from '../worker-result.js';
import { FreeActor } from './free-actor.js';
import { type Inbound, type Outbound, wireFreeEdges } from './free-edges.js';
import { FREE_PENDING } from './free-shared.js';
import { TakeLogWriter } from './take-log.js';

/** Events handled between two publications of L and two looks at the control word. */
const SLICE_EVENTS = 256;

export class FreeWorkerLoop extends ThreadLoop<Outbound> {
  private readonly fa: FreeActor;
  private readonly words: Int32Array;
  private readonly needs: BigInt64Array;
  private readonly news: Int32Array;
  /** The news word as of this worker's last full look at its rings. */
  private newsSeen = -1;
  private readonly lowers: BigInt64Array;
  /** Where the run ends for this worker: min(endTick, the shared stop tick). */
  private readonly stop: WorkerEnd;
  private readonly windowTicks: number;
  protected readonly outbound: Outbound[];
  private readonly outByEdge: (Outbound | undefined)[];
  private readonly inbound: Inbound[];
  /** The one pool every message of this worker comes from and goes back to (made once, for flushes). */
  protected readonly poolOf: (m: SimMessage) => MessagePool;
  /**
   * Publish a flushed batch. The consumer's L covers these records from now on (lowered before
   * the publish: see the header). Its bell rings only when they are its earliest work: a consumer
   * that already has earlier events is running or waiting for the window, and takes them when it
   * next looks (waking a parked thread per batch was most of free mode's cost with more threads
   * than cores).
   */
  protected readonly publishFlushed = (out: Outbound, n: number, earliest: number): void => {
    const earliestWork = this.lowerOf(out.to, earliest);
    Atomics.add(this.words, FREE_PENDING, n);
    out.producer.publish(n, earliestWork);
    Atomics.add(this.news, out.to, 1);
  };
  private idle = false;
  /** The bound on event times last computed (min others' L + W), and the L last published. */
  private bound = Number.NEGATIVE_INFINITY;
  private driftWaits = 0;

  constructor(actor: Actor, init: WorkerInit, clockMs: () => number = () => performance.now()) {
    super(init, [actor], clockMs);
    const free = init.free;
    assert(free !== undefined, 'FreeWorkerLoop needs init.free');
    assert(
      init.workerOf.every((w, a) => w === a),
      'free mode runs one actor per worker (the default placement)',
    );
    this.windowTicks = free.windowTicks;
    this.words = new Int32Array(free.words);
    this.needs = new BigInt64Array(free.needs);
    this.news = new Int32Array(free.news);
    this.fa = new FreeActor(
      actor,
      init.plan,
      createChooser(init.strategy, init.seed, actor.index),
      (edge, m) => this.send(edge, m),
      {
        recordEvents: init.recordEvents,
        recordChoices: init.recordChoices,
        watchFindings: init.stopOnFirst,
        tailEvents: init.tailEvents,
        tailPages: init.tailPages,
        trace: init.trace,
      },
      new TakeLogWriter(),
    );
    const pool = this.fa.runner.pool;
    this.poolOf = () => pool;
    ({
      outbound: this.outbound,
      inbound: this.inbound,
      outByEdge: this.outByEdge,
    } = wireFreeEdges(init, actor.index, this.bells));
    this.lowers = new BigInt64Array(init.lowers);
    this.stop = new WorkerEnd(init.stopTick, init.endTick, () => this.ringAll());
  }

  protected crashRunner(): ActorRunner {
    return this.fa.runner;
  }

  private send(edge: number, m: SimMessage): void {
    const out = this.outByEdge[edge];
    if (out === undefined) {
      throw new AssertionFailure(`free mode: ${this.fa.runner.actor.name} sent on edge ${edge} with no ring`);
    }
    this.stage(out, m);
  }

  protected begin(): void {
    this.fa.runner.start();
    this.publishLower();
  }

  protected turn(): Turn {
    const progressed = this.step();
    if (this.finished()) return Turn.Done;
    return progressed ? Turn.Worked : Turn.Idle;
  }

  /** Take, flush, handle within the window, publish L: true if any of it moved something. */
  private step(): boolean {
    this.stop.read();
    let progressed = this.drain() > 0;
    if (this.stagedTotal > 0 && this.flushOutbound() > 0) progressed = true;
    if (this.handleSlice() > 0) progressed = true;
    this.publishLower();
    this.status.position(this.fa.runner.now, this.fa.handled);
    return progressed;
  }

  /**
   * With nothing left below the end and nothing staged, this worker is idle (it leaves the
   * `pending` count, the header's termination argument); the run is over once that count is 0.
   */
  private finished(): boolean {
    if (this.fa.nextTime() < this.stop.end || this.stagedTotal > 0) return false;
    if (!this.idle) {
      this.idle = true;
      this.status.idle();
      if (Atomics.sub(this.words, FREE_PENDING, 1) === 1) this.ringAll();
    }
    return Atomics.load(this.words, FREE_PENDING) === 0;
  }

  /**
   * Park until there is work. Waiting for the window (not for space or for records), it says
   * what it waits for, so only the worker whose L gets there rings it (publishLower).
   */
  protected async waitForNews(): Promise<void> {
    const t = this.fa.nextTime();
    const blocked = !this.idle && this.stagedTotal === 0 && t < this.stop.end;
    if (blocked) {
      this.driftWaits++;
      Atomics.store(this.needs, this.init.worker, BigInt(Math.max(0, t - this.windowTicks)));
    }
    await this.time.idle(() => this.park(() => this.hasWork()));
    if (blocked) Atomics.store(this.needs, this.init.worker, STOP_TICK_NONE);
  }

  /** After the loop: shut the rings down and hand back the figures and the take log. */
  protected async finish(stopped: boolean): Promise<WorkerResult> {
    const fa = this.fa;
    this.time.stop();
    // Every stop proposal came from a busy worker, so after `pending` reached 0 this read is final.
    this.stop.read();
    const reachedTick = stopped ? fa.runner.now : this.stop.end;
    await this.shutDown();
    const trace = fa.runner.traceResult(reachedTick);
    const report = fa.runner.finish(reachedTick);
    this.countHeapInFlight(fa.heap);
    this.status.finished(this.time.busyMs);
    this.time.figures();
    const x = fa.runner;
    return {
      ...this.figures(this.inbound),
      actors: [actorOutcome(x, report, trace, this.init.tailEvents, reachedTick)],
      sentPerEdge: x.sentPerEdge,
      receivedPerEdge: x.receivedPerEdge,
      reachedTick,
      stopped,
      firstFindingStop: this.stop.end < this.init.endTick ? this.stop.end : undefined,
      events: fa.handled,
      publishes: 0,
      free: {
        log: fa.log!.encode(fa.handled),
        logEntries: fa.log!.entries,
        lateness: { ...fa.lateness },
        driftWaits: this.driftWaits,
      },
    };
  }

  /** Handle up to SLICE_EVENTS events below the end and within the window, taking before each. */
  private handleSlice(): number {
    const fa = this.fa;
    let handled = 0;
    while (handled < SLICE_EVENTS) {
      // Between events, one load of the news word instead of one per ring: most of the time
      // nothing arrived. A producer bumps it after its publish, so a bump seen means records
      // visible; anything published before the last full look was taken then.
      if (handled > 0 && Atomics.load(this.news, this.init.worker) !== this.newsSeen) this.drain();
      const t = fa.nextTime();
      if (t >= this.stop.end) break;
      if (t > this.bound && t > this.computeBound()) break;
      fa.handleNext();
      handled++;
      const found = fa.runner.firstFindingTick;
      if (found !== undefined && !this.stop.proposed) this.stop.propose(found + 1);
    }
    return handled;
  }

  /** min over the other workers of their published L, plus the window. */
  private computeBound(): number {
    let least = STOP_TICK_NONE;
    const lowers = this.lowers;
    const self = this.init.worker;
    for (let w = 0; w < lowers.length; w++) {
      if (w === self) continue;
      const v = Atomics.load(lowers, w);
      if (v < least) least = v;
    }
    this.bound = least >= STOP_TICK_NONE ? Number.POSITIVE_INFINITY : Number(least) + this.windowTicks;
    return this.bound;
  }

  /**
   * Publish L (the next event's time, +Infinity when idle); wake waiters when it rose. Compared
   * with the word itself, not with what this worker stored last: a producer may have lowered it
   * since, for records this worker has taken by now.
   */
  private publishLower(): void {
    const t = this.fa.nextTime();
    const v = t >= this.stop.end ? STOP_TICK_NONE : BigInt(t);
    const lowers = this.lowers;
    const w = this.init.worker;
    const old = Atomics.load(lowers, w);
    if (old === v) return;
    Atomics.store(lowers, w, v);
    if (v < old) return;
    // Ring exactly the waiters this rise may release: those that needed more than the old L and
    // no more than the new one. A waiter stores its need before its last look at the L's (inside
    // park's ready()), and this store of L comes before this load of its need: with sequentially
    // consistent atomics one of the two sees the other, so no waiter sleeps through its release.
    const needs = this.needs;
    for (let x = 0; x < needs.length; x++) {
      if (x === w) continue;
      const need = Atomics.load(needs, x);
      if (need !== STOP_TICK_NONE && need > old && need <= v) this.bells[x]!.ring();
    }
  }

  /** Atomic min of worker w's L with t (records on their way count as its next events); true if it lowered it. */
  private lowerOf(w: number, t: number): boolean {
    return lowerWord(this.lowers, w, BigInt(t));
  }

  /** Take every record waiting in every inbound ring (the take that the log records). */
  private drain(): number {
    this.newsSeen = Atomics.load(this.news, this.init.worker);
    let total = 0;
    for (const { edge, consumer } of this.inbound) {
      const n = consumer.available();
      if (n === 0) continue;
      if (this.idle) {
        // Count itself busy again before the records it takes stop being counted (the header).
        Atomics.add(this.words, FREE_PENDING, 1);
        this.idle = false;
        this.status.running();
      }
      const fa = this.fa;
      fa.beginTake(edge, n);
      const pool = fa.runner.pool;
      const words = consumer.words;
      for (let i = 0; i < n; i++) {
        const m = pool.take();
        readMessage(words, consumer.offsetOf(i), m);
        if (m.link !== edge || m.destination !== this.init.worker) {
          throw new AssertionFailure(
            `free worker ${this.init.worker}: record for actor ${m.destination} on edge ${m.link} arrived on edge ${edge}`,
          );
        }
        fa.take(m);
      }
      consumer.release(n);
      Atomics.sub(this.words, FREE_PENDING, n);
      total += n;
    }
    return total;
  }

  private hasWork(): boolean {
    if (this.command !== CONTROL_RUN) return true;
    if (Atomics.load(this.words, FREE_PENDING) === 0) return true;
    for (const { consumer } of this.inbound) if (consumer.available() > 0) return true;
    if (this.stagedTotal > 0 && hasFlushable(this.outbound)) return true;
    if (this.stop.changed()) return true;
    const t = this.fa.nextTime();
    return t < this.stop.end && t <= this.computeBound();
  }

  /**
   * After the loop: close every outbound ring, then drain what is still in the inbound rings (only
   * after a stop request: a finished run leaves them empty) as in flight, until each has ended.
   */
  private async shutDown(): Promise<void> {
    closeStaged(this.outbound, this.inFlightPerEdge);
    for (;;) {
      this.countInboundInFlight(this.inbound);
      if (this.inbound.every((i) => i.consumer.ended())) break;
      this.parkMeasured(() => this.inbound.some((i) => i.consumer.hasNews()));
      await this.time.yieldIfDue();
    }
  }

  snapshot(): WorkerSnapshot {
    return {
      worker: this.init.worker,
      actors: [this.fa.runner.actor.name],
      tick: this.fa.runner.now,
      events: this.fa.handled,
      horizon: this.bound,
      heap: this.fa.heap.size,
      staged: this.stagedTotal,
    };
  }
}

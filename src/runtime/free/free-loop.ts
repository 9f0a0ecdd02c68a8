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
 * then handle events from the actor's own heap in time order, taking again before each event, so
 * a timer and a record that race are decided by which arrived first. A record taken "in the past"
 * is handled at the actor's clock and counted late (free-actor.ts).
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
 * Bounds. Parks last at most PARK_MS; there is no spin (free mode runs more threads than cores);
 * staged sends never block (drains never stop, so two actors that fill each other's rings both
 * drain); Ctrl-C (CONTROL_STOP) ends the loop at once, and the records still in rings are counted
 * in flight, so conservation holds and the partial log replays.
 */
import { AssertionFailure, assert } from '../../core/errors.js';
import type { Actor } from '../../model/actors/actor.js';
import { createChooser } from '../../model/choice/strategy.js';
import { SELF_LINK, type SimMessage } from '../../model/protocol/sim-message.js';
import { readMessage, writeMessage } from '../../transport/codec.js';
import { Doorbell } from '../../transport/doorbell.js';
import { ringFigures } from '../raw-run.js';
import { canFlush, closeStaged, dropFlushed, reserveStaged } from '../staged-edge.js';
import { lowerWord, STOP_TICK_NONE, WorkerEnd } from '../stop-tick.js';
import {
  CONTROL_PAUSE,
  CONTROL_RUN,
  CONTROL_STOP,
  checkCommand,
  yieldToEventLoop,
} from '../thread-status.js';
import { type Crash, crashOf } from '../worker-crash.js';
import type { WorkerInit } from '../worker-init.js';
import { actorOutcome, type WorkerResult, type WorkerSnapshot } from '../worker-result.js';
import { WorkerStatus, WorkerTime } from '../worker-status.js';
import { FreeActor } from './free-actor.js';
import { type Inbound, type Outbound, wireFreeEdges } from './free-edges.js';
import { FREE_PENDING } from './free-shared.js';
import { TakeLogWriter } from './take-log.js';

/** Events handled between two publications of L and two looks at the control word. */
const SLICE_EVENTS = 256;
const PARK_MS = 20;

export class FreeWorkerLoop {
  private readonly fa: FreeActor;
  private readonly bells: Doorbell[];
  private readonly bell: Doorbell;
  private readonly words: Int32Array;
  private readonly needs: BigInt64Array;
  private readonly news: Int32Array;
  /** The news word as of this worker's last full look at its rings. */
  private newsSeen = -1;
  private readonly lowers: BigInt64Array;
  /** Where the run ends for this worker: min(endTick, the shared stop tick). */
  private readonly stop: WorkerEnd;
  private readonly windowTicks: number;
  private readonly outbound: Outbound[];
  private readonly outByEdge: (Outbound | undefined)[];
  private readonly inbound: Inbound[];
  private readonly status: WorkerStatus;
  /** The worker's actors, for the status board's progress and findings. */
  private readonly actors: readonly Actor[];
  private readonly inFlightPerEdge: number[];
  private idle = false;
  private stagedTotal = 0;
  private command = CONTROL_RUN;
  /** The bound on event times last computed (min others' L + W), and the L last published. */
  private bound = Number.NEGATIVE_INFINITY;
  private driftWaits = 0;
  private readonly time: WorkerTime;
  crash: Crash | undefined;

  constructor(
    actor: Actor,
    private readonly init: WorkerInit,
    clockMs: () => number = () => performance.now(),
  ) {
    const { plan, worker } = init;
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
    this.bells = init.bells.map((b) => Doorbell.attach(b));
    this.bell = this.bells[worker]!;
    this.fa = new FreeActor(
      actor,
      plan,
      createChooser(init.strategy, init.seed, actor.index),
      (edge, m) => this.send(edge, m),
      {
        recordEvents: init.recordEvents,
        recordChoices: init.recordChoices,
        watchFindings: init.stopOnFirst,
        tailEvents: init.tailEvents,
        trace: init.trace,
      },
      new TakeLogWriter(),
    );
    ({
      outbound: this.outbound,
      inbound: this.inbound,
      outByEdge: this.outByEdge,
    } = wireFreeEdges(init, actor.index, this.bells));
    this.inFlightPerEdge = plan.edges.map(() => 0);
    this.status = new WorkerStatus(init.statusRows, worker);
    this.actors = [actor];
    this.time = new WorkerTime(clockMs, this.status, this.actors);
    this.lowers = new BigInt64Array(init.lowers);
    this.stop = new WorkerEnd(init.stopTick, init.endTick, () => this.ringAll());
  }

  private send(edge: number, m: SimMessage): void {
    const out = this.outByEdge[edge];
    if (out === undefined) {
      throw new AssertionFailure(`free mode: ${this.fa.runner.actor.name} sent on edge ${edge} with no ring`);
    }
    out.staged.push(m);
    this.stagedTotal++;
  }

  async run(): Promise<WorkerResult> {
    const fa = this.fa;
    this.status.running();
    let stopped = false;
    try {
      fa.runner.start();
      this.publishLower();
      for (;;) {
        if (this.command === CONTROL_STOP) {
          stopped = true;
          break;
        }
        if (this.command === CONTROL_PAUSE) {
          this.park(() => this.command !== CONTROL_PAUSE);
          await yieldToEventLoop();
          continue;
        }
        this.stop.read();
        let progressed = this.drain() > 0;
        if (this.stagedTotal > 0 && this.flush() > 0) progressed = true;
        const handled = this.handleSlice();
        if (handled > 0) progressed = true;
        this.publishLower();
        this.status.position(fa.runner.now, fa.handled);
        if (fa.nextTime() >= this.stop.end && this.stagedTotal === 0) {
          if (!this.idle) {
            this.idle = true;
            if (Atomics.sub(this.words, FREE_PENDING, 1) === 1) this.ringAll();
          }
          if (Atomics.load(this.words, FREE_PENDING) === 0) break;
        }
        if (!progressed) {
          // Waiting for the window (not for space or for records): say what it waits for, so
          // only the worker whose L gets there rings it (publishLower).
          const t = fa.nextTime();
          const blocked = !this.idle && this.stagedTotal === 0 && t < this.stop.end;
          if (blocked) {
            this.driftWaits++;
            Atomics.store(this.needs, this.init.worker, BigInt(Math.max(0, t - this.windowTicks)));
          }
          await this.time.idle(() => this.park(() => this.hasWork()));
          if (blocked) Atomics.store(this.needs, this.init.worker, STOP_TICK_NONE);
        } else await this.time.worked();
      }
    } catch (error) {
      throw this.crashed(error);
    }
    this.time.stop();
    // Every stop proposal came from a busy worker, so after `pending` reached 0 this read is final.
    this.stop.read();
    const reachedTick = stopped ? fa.runner.now : this.stop.end;
    await this.shutDown();
    const trace = fa.runner.traceResult(reachedTick);
    const report = fa.runner.actor.finish(reachedTick);
    for (let m = fa.heap.pop(); m !== undefined; m = fa.heap.pop()) {
      if (m.link !== SELF_LINK) this.inFlightPerEdge[m.link]!++;
    }
    this.status.finished(this.time.busyMs);
    this.time.figures();
    const x = fa.runner;
    return {
      worker: this.init.worker,
      actors: [actorOutcome(x, report, trace, this.init.tailEvents)],
      sentPerEdge: x.sentPerEdge,
      receivedPerEdge: x.receivedPerEdge,
      inFlightPerEdge: this.inFlightPerEdge,
      rings: this.inbound.map(({ edge, consumer }) =>
        ringFigures(edge, this.init.plan.edges[edge]!.label, consumer),
      ),
      reachedTick,
      stopped,
      firstFindingStop: this.stop.end < this.init.endTick ? this.stop.end : undefined,
      events: fa.handled,
      busyMs: this.time.busyMs,
      parkedMs: this.time.parkedMs,
      parks: this.time.parks,
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

  private flush(): number {
    let moved = 0;
    for (const out of this.outbound) {
      const n = reserveStaged(out);
      if (n === 0) continue;
      const p = out.producer;
      const words = p.words;
      const pool = this.fa.runner.pool;
      let earliest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const m = out.staged[out.stagedHead + i]!;
        writeMessage(words, p.offsetOf(i), m);
        if (m.timeTicks < earliest) earliest = m.timeTicks;
        pool.give(m);
      }
      // The consumer's L covers these records from now on (before the publish: see the header).
      // Its bell rings only when they are its earliest work: a consumer that already has earlier
      // events is running or waiting for the window, and takes them when it next looks (waking a
      // parked thread per batch was most of free mode's cost with more threads than cores).
      const earliestWork = this.lowerOf(out.to, earliest);
      Atomics.add(this.words, FREE_PENDING, n);
      p.publish(n, earliestWork);
      Atomics.add(this.news, out.to, 1);
      dropFlushed(out, n);
      moved += n;
      this.stagedTotal -= n;
    }
    return moved;
  }

  private hasWork(): boolean {
    if (this.command !== CONTROL_RUN) return true;
    if (Atomics.load(this.words, FREE_PENDING) === 0) return true;
    for (const { consumer } of this.inbound) if (consumer.available() > 0) return true;
    if (this.stagedTotal > 0) {
      for (const out of this.outbound) if (canFlush(out)) return true;
    }
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
      for (const { edge, consumer } of this.inbound) {
        const n = consumer.available();
        if (n === 0) continue;
        this.inFlightPerEdge[edge]! += n;
        consumer.release(n);
      }
      if (this.inbound.every((i) => i.consumer.ended())) break;
      this.park(() => this.inbound.some((i) => i.consumer.hasNews()));
      await this.time.yieldIfDue();
    }
  }

  private ringAll(): void {
    for (const b of this.bells) b.ring();
  }

  private park(ready: () => boolean): void {
    if (this.bell.park(ready, PARK_MS, 0) !== 'ready') this.time.parks++;
  }

  private crashed(error: unknown): Error {
    this.status.crashed();
    const e = crashOf(this.fa.runner, error);
    this.crash = e.crash;
    return e;
  }

  setCommand(command: number): void {
    this.command = checkCommand(command);
    this.bell.ring();
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

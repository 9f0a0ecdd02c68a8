/**
 * What the two worker loops (worker-loop.ts, the conservative one, and free/free-loop.ts) share
 * around their event loop: the doorbells, the control word the main thread sets over comlink,
 * the status-board row and wall-time accounting, the count of staged sends, what is in flight
 * when the loop ends, and the figures every worker result carries.
 *
 * Theory of operation
 * -------------------
 * Shared memory is touched here only through the doorbells (src/transport/doorbell.ts has the
 * protocol that makes a park free of lost wake-ups), the ring producers when staged sends are
 * flushed (staged-edge.ts) and the ring consumers' release at the end (src/transport/ring.ts has
 * both ends' protocol), and this worker's row of the status board (worker-status.ts). The
 * control word is a plain field: only this thread's event loop writes it (setCommand, between
 * slices), and the loops read it between slices, so it needs no atomics. A command cannot find
 * the loop parked: comlink delivers it on this same thread, which handles messages only when the
 * loop yields, never inside a park's Atomics.wait. So a command is seen at the loop's next yield,
 * and every park is bounded (PARK_MS) so that the thread yields at least that often: PARK_MS is
 * the bound on a pause's or a stop's latency (a Ctrl-C stops a parked run within it). A spin
 * before a park (parkSpinning) only when the runtime allows it, and bounded too.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Actor } from '../model/actors/actor.js';
import { SELF_LINK, type SimMessage } from '../model/protocol/sim-message.js';
import { AdaptiveSpin } from '../transport/adaptive-spin.js';
import { Doorbell, type ParkResult } from '../transport/doorbell.js';
import type { RingConsumer } from '../transport/ring.js';
import type { ActorRunner } from './actor-runner.js';
import type { EventQueue } from './event-queue.js';
import type { MessagePool } from './message-pool.js';
import { ringFigures } from './raw-run.js';
import { flushStaged, type StagedEdge } from './staged-edge.js';
import { CONTROL_PAUSE, CONTROL_RUN, CONTROL_STOP, checkCommand, yieldToEventLoop } from './thread-status.js';
import { type Crash, crashOf } from './worker-crash.js';
import type { WorkerInit } from './worker-init.js';
import type { WorkerResult } from './worker-result.js';
import { WorkerStatus, WorkerTime } from './worker-status.js';

/** Upper bound of one park, so control requests are seen promptly. */
const PARK_MS = 20;
/**
 * Bounds of a worker's spin before a park, when it spins at all: about 6 us to 1.6 ms. A worker
 * waits on every inbound ring at once, for a lookahead window of its peers' work (tens of
 * microseconds to a millisecond), longer than a ring endpoint waits for one batch.
 */
const WORKER_SPIN_MIN = 64;
const WORKER_SPIN_MAX = 16_384;
/**
 * Parks a worker judges (since its spinning was last turned on) before most of them being long,
 * with the run queue over the cores, may turn its spinning off (adaptive-spin.ts).
 */
const WORKER_SPIN_OFF_AFTER = 8;

/** The shortest wall time between two looks at the machine's run queue (`othersHoldCores`). */
const RUN_QUEUE_LOOK_MS = 50;
/** Looks in a row that must find the run queue over the cores. */
const RUN_QUEUE_LOOKS = 3;

/**
 * Whether other processes hold the cores, for a run whose workers spin (they do not outnumber the
 * cores): Linux's count of runnable threads, machine-wide (the fourth field of /proc/loadavg,
 * `running/total`), above the cores at RUN_QUEUE_LOOKS looks in a row, RUN_QUEUE_LOOK_MS apart at
 * least (a look sooner says no and keeps the count). This run's own threads count too, but they
 * are at most the cores here (the workers, one of them this one, reading). Why not the process's
 * CPU share: a worker parked while its partner compiles its code (workers that spin compile on
 * their own threads: worker-compiler.ts) leaves the process one core short on a quiet machine.
 * Where /proc/loadavg cannot be read (not Linux) the answer is always no: spinning stays on, as
 * before this switch.
 */
function othersHoldCores(cores: number): () => boolean {
  let last = Number.NEGATIVE_INFINITY;
  let over = 0;
  let readable = true;
  return () => {
    const now = performance.now();
    if (!readable || now - last < RUN_QUEUE_LOOK_MS) return false;
    last = now;
    const running = runnableThreads();
    if (running === undefined) {
      readable = false;
      return false;
    }
    over = running > cores ? over + 1 : 0;
    return over >= RUN_QUEUE_LOOKS;
  };
}

/** Runnable threads machine-wide, from /proc/loadavg (`0.50 0.40 0.30 3/250 1234`); undefined if unreadable. */
function runnableThreads(): number | undefined {
  try {
    const running = Number(readFileSync('/proc/loadavg', 'latin1').split(' ')[3]?.split('/')[0]);
    return Number.isSafeInteger(running) ? running : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What one turn of a loop came to: it handled, drained or flushed something; it had nothing to do
 * until a ring or the control plane has news (park); or the loop is over.
 */
export const Turn = { Worked: 0, Idle: 1, Done: 2 } as const;
export type Turn = (typeof Turn)[keyof typeof Turn];

/** An inbound ring as both loops keep it. */
interface InboundRing {
  edge: number;
  consumer: RingConsumer;
}

/** The figures of a worker result that do not depend on the loop. */
export type LoopFigures = Pick<
  WorkerResult,
  | 'worker'
  | 'inFlightPerEdge'
  | 'rings'
  | 'busyMs'
  | 'parkedMs'
  | 'parks'
  | 'parksTimedOut'
  | 'parksTimedOutAtStart'
  | 'spinTurnedOff'
  | 'waits'
>;

export abstract class ThreadLoop<O extends StagedEdge> {
  protected readonly bells: Doorbell[];
  /** This thread's own bell: producers, consumers and the control plane ring it. */
  protected readonly bell: Doorbell;
  protected readonly status: WorkerStatus;
  protected readonly time: WorkerTime;
  /** Records counted in flight per edge at the end (staged, in rings, or left in the heap). */
  protected readonly inFlightPerEdge: number[];
  /** RUN, PAUSE or STOP, set by the main thread over comlink (setCommand). */
  protected command = CONTROL_RUN;
  /** Records staged on all outbound edges, not yet flushed. */
  protected stagedTotal = 0;
  /** How long to spin before a park, when the runtime allows spinning at all (spinRounds > 0). */
  protected readonly spin: AdaptiveSpin | undefined;
  crash: Crash | undefined;

  constructor(
    protected readonly init: WorkerInit,
    /** The worker's actors, for the status board's progress and findings. */
    actors: readonly Actor[],
    clockMs: () => number,
  ) {
    this.bells = init.bells.map((b) => Doorbell.attach(b));
    this.bell = this.bells[init.worker]!;
    this.inFlightPerEdge = init.plan.edges.map(() => 0);
    this.status = new WorkerStatus(init.statusRows, init.worker);
    this.time = new WorkerTime(clockMs, this.status, actors);
    this.spin =
      init.spinRounds > 0
        ? new AdaptiveSpin(
            init.spinRounds,
            WORKER_SPIN_MIN,
            WORKER_SPIN_MAX,
            WORKER_SPIN_OFF_AFTER,
            othersHoldCores(availableParallelism()),
          )
        : undefined;
  }

  /** Edges whose rings this worker produces on. */
  protected abstract readonly outbound: readonly O[];
  /** The pool a message goes back to once written into a ring (a closure made once). */
  protected abstract readonly poolOf: (m: SimMessage) => MessagePool;
  /** How a flushed batch is published: the loop's rule for whom to ring (a closure made once). */
  protected abstract readonly publishFlushed: (out: O, n: number, earliest: number) => void;

  /** The runner whose event was being handled when an error escaped, for the crash report. */
  protected abstract crashRunner(): ActorRunner;
  /** Start the actors, before the first turn. */
  protected abstract begin(): void;
  /** One turn of the loop (a slice of work), between two looks at the control word. */
  protected abstract turn(): Turn;
  /** After a turn that did nothing: wait (bounded) for news. */
  protected abstract waitForNews(): Promise<void>;
  /** After the loop (at its end or a stop request): shut down and hand back the result. */
  protected abstract finish(stopped: boolean): Promise<WorkerResult>;

  /** Run to the end (or a stop request). Rejects with a Crash-carrying error if an actor throws. */
  async run(): Promise<WorkerResult> {
    this.status.running();
    let stopped = false;
    try {
      this.begin();
      for (;;) {
        if (this.command !== CONTROL_RUN) {
          if (await this.paused()) continue;
          stopped = true;
          break;
        }
        const turn = this.turn();
        if (turn === Turn.Done) break;
        if (turn === Turn.Idle) await this.waitForNews();
        else await this.time.worked();
      }
    } catch (error) {
      const crashed = this.crashed(error);
      if (await this.afterCrash()) throw crashed;
      // A finding's stop came first: the run ends there, and this worker reports as any does.
    }
    return this.finish(stopped);
  }

  /**
   * After an actor of this worker threw, before the crash goes to the main thread: what the
   * others need from this worker to run up to the crash (worker-loop.ts "A crash"); false when
   * the crash counts for nothing (a run stopped at its first finding before it). Nothing by
   * default (free mode's crashes race by design).
   */
  protected async afterCrash(): Promise<boolean> {
    return true;
  }

  /** Stage a send for its ring (sends never block; flushOutbound moves it when there is room). */
  protected stage(out: O, m: SimMessage): void {
    out.staged.push(m);
    this.stagedTotal++;
  }

  /** Copy staged records into their rings as space allows; returns how many moved. */
  protected flushOutbound(): number {
    const moved = flushStaged(this.outbound, this.poolOf, this.publishFlushed);
    this.stagedTotal -= moved;
    return moved;
  }

  /**
   * Control plane (comlink): pause, resume or stop at the next slice. Nothing to wake: comlink
   * runs this on the loop's own thread, between slices, never while it is parked (the header).
   */
  setCommand(command: number): void {
    this.command = checkCommand(command);
  }

  /**
   * Called between slices when the command is not RUN: false on a stop request; while paused,
   * parks (bounded), lets the event loop run (comlink's resume arrives there) and answers true, so
   * the caller looks again.
   */
  protected async paused(): Promise<boolean> {
    if (this.command === CONTROL_STOP) return false;
    this.parkMeasured(() => this.command !== CONTROL_PAUSE);
    await yieldToEventLoop();
    return true;
  }

  protected ringAll(): void {
    for (const b of this.bells) b.ring();
  }

  /** Park until `ready` (bounded by PARK_MS), spinning `spinRounds` first; counts real parks. */
  protected park(ready: () => boolean, spinRounds = 0): ParkResult {
    const result = this.bell.park(ready, PARK_MS, spinRounds);
    if (result !== 'ready') this.time.parks++;
    if (result === 'timed-out') {
      this.time.parksTimedOut++;
      // Asked only when a park ran out (at most one per PARK_MS), never on the hot path.
      if (this.beforeFirstWindow()) this.time.parksTimedOutAtStart++;
    }
    return result;
  }

  /**
   * Whether the loop is still waiting for its partners to start (the conservative loop: no
   * partner has published a safe time yet). A park that runs out then is the start-up kind, not a
   * lost wake-up. The free loop has no windows: none of its parks is counted so.
   */
  protected beforeFirstWindow(): boolean {
    return false;
  }

  /**
   * Park outside the loop's turns (while paused, or shutting down), measured as a wait like the
   * turns' own (waitForNews, through WorkerTime.idle): so parkedMs and the waits histogram cover
   * every park counted in `parks`.
   */
  protected parkMeasured(ready: () => boolean): void {
    this.time.wait(() => this.park(ready));
  }

  /**
   * Park, after a spin whose length adapts (adaptive-spin.ts) when the runtime allows spinning
   * (workers do not outnumber cores): a wait its partner ended within half a millisecond doubles
   * the next spin, a long one or a time-out halves it.
   */
  protected parkSpinning(ready: () => boolean): void {
    const spin = this.spin;
    if (spin === undefined) {
      this.park(ready);
      return;
    }
    const started = performance.now();
    const result = this.park(ready, spin.spinRounds);
    if (result !== 'ready') spin.afterPark(performance.now() - started, result === 'woken');
  }

  protected crashed(error: unknown): Error {
    this.status.crashed();
    const e = crashOf(this.crashRunner(), error);
    this.crash = e.crash;
    return e;
  }

  /** After the end: every record waiting in an inbound ring is in flight. */
  protected countInboundInFlight(inbound: readonly InboundRing[]): void {
    for (const { edge, consumer } of inbound) {
      const n = consumer.available();
      if (n === 0) continue;
      this.inFlightPerEdge[edge]! += n;
      consumer.release(n);
    }
  }

  /** Events left in a heap at the end (at or past the end, or unhandled at a stop) are in flight. */
  protected countHeapInFlight(heap: EventQueue): void {
    for (let m = heap.pop(); m !== undefined; m = heap.pop()) {
      if (m.link !== SELF_LINK) this.inFlightPerEdge[m.link]!++;
    }
  }

  /** The loop-independent figures of the worker result, once the loop and its shutdown ended. */
  protected figures(inbound: readonly InboundRing[]): LoopFigures {
    const edges = this.init.plan.edges;
    return {
      worker: this.init.worker,
      inFlightPerEdge: this.inFlightPerEdge,
      rings: inbound.map(({ edge, consumer }) => ringFigures(edge, edges[edge]!.label, consumer)),
      busyMs: this.time.busyMs,
      parkedMs: this.time.parkedMs,
      parks: this.time.parks,
      parksTimedOut: this.time.parksTimedOut,
      parksTimedOutAtStart: this.time.parksTimedOutAtStart,
      spinTurnedOff: this.spin?.turnedOff ?? 0,
      waits: this.time.waits.figures(),
    };
  }
}

/**
 * One worker's row of the status board (thread-status.ts), as the worker writes it: its state,
 * where it is (tick, events), how it spends its time (busy, parked, parks) and its actors' progress
 * and findings. Both worker loops (worker-loop.ts, free/free-loop.ts) write through it, so the main
 * thread's progress line and watchdog read the same fields from either.
 *
 * Theory of operation: plain float64 stores into a SharedArrayBuffer, one writer per row (this
 * worker) and one reader (the main thread), which only asks "has anything moved" and draws figures;
 * thread-status.ts has the argument why no atomics are needed.
 */
import type { Actor } from '../model/actors/actor.js';
import {
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
  STATE_IDLE,
  STATE_RUNNING,
  STATUS_FIELDS,
  yieldToEventLoop,
} from './thread-status.js';
import { WaitHistogram } from './wait-histogram.js';

/** Yield to the worker's event loop (comlink control) at least this often while busy. */
const YIELD_EVERY_MS = 10;

export class WorkerStatus {
  private readonly rows: Float64Array;
  private readonly at: number;

  constructor(board: SharedArrayBuffer, worker: number) {
    this.rows = new Float64Array(board);
    this.at = worker * STATUS_FIELDS;
  }

  running(): void {
    this.rows[this.at + ST_STATE] = STATE_RUNNING;
  }

  /** A free worker with nothing to handle before the end (thread-status.ts STATE_IDLE); running() ends it. */
  idle(): void {
    this.rows[this.at + ST_STATE] = STATE_IDLE;
  }

  finished(busyMs: number): void {
    this.rows[this.at + ST_STATE] = STATE_FINISHED;
    this.rows[this.at + ST_BUSY_MS] = busyMs;
  }

  crashed(): void {
    this.rows[this.at + ST_STATE] = STATE_CRASHED;
  }

  position(tick: number, events: number): void {
    this.rows[this.at + ST_TICK] = tick;
    this.rows[this.at + ST_EVENTS] = events;
  }

  busy(ms: number): void {
    this.rows[this.at + ST_BUSY_MS] = ms;
  }

  /** Progress and findings summed over the worker's actors. */
  progress(actors: readonly Actor[]): void {
    let progress = 0;
    let findings = 0;
    for (const a of actors) {
      progress += a.progress();
      findings += a.findings?.() ?? 0;
    }
    this.rows[this.at + ST_PROGRESS] = progress;
    this.rows[this.at + ST_FINDINGS] = findings;
  }

  /** Time figures, then progress. */
  figures(busyMs: number, parkedMs: number, parks: number, actors: readonly Actor[]): void {
    this.rows[this.at + ST_PARKED_MS] = parkedMs;
    this.rows[this.at + ST_PARKS] = parks;
    this.rows[this.at + ST_BUSY_MS] = busyMs;
    this.progress(actors);
  }
}

/**
 * How a worker loop spends its wall time, busy or parked, and when it lets its event loop run
 * (comlink's commands arrive there): the accounting both loops share. Every park of a loop is
 * measured here (`wait`): those between slices, while paused, and while shutting down. So
 * `parkedMs` is the time of all of them, `waits` classifies each by its length, and every park
 * counted in `parks` (thread-loop.ts) lies within one measured wait.
 */
export class WorkerTime {
  busyMs = 0;
  parkedMs = 0;
  parks = 0;
  /** Parks that ran out their bound with nobody ringing (counted by thread-loop.ts). */
  parksTimedOut = 0;
  /** Of those, the ones before the loop's first window (thread-loop.ts beforeFirstWindow). */
  parksTimedOutAtStart = 0;
  /** Every wait by its wall duration (wait-histogram.ts): hand-offs apart from stalls. */
  readonly waits = new WaitHistogram();
  private sliceStart: number;
  private lastYield: number;
  /** After `stop`: waits (the shutdown's) are parked time, and no slice is busy any more. */
  private stopped = false;

  constructor(
    private readonly clockMs: () => number,
    private readonly status: WorkerStatus,
    private readonly actors: readonly Actor[],
  ) {
    this.sliceStart = clockMs();
    this.lastYield = this.sliceStart;
  }

  /** After a slice that did nothing: `park` waits; the time before is busy, the wait parked. */
  async idle(park: () => void): Promise<void> {
    this.wait(park);
    this.figures();
    if (this.sliceStart - this.lastYield >= YIELD_EVERY_MS) await this.yield();
  }

  /**
   * One wait, measured: the slice before it was busy (unless the loop has stopped), the wait
   * itself parked and put in its bucket; the next slice starts when it ends.
   */
  wait(park: () => void): void {
    const now = this.clockMs();
    if (!this.stopped) this.busyMs += now - this.sliceStart;
    park();
    const after = this.clockMs();
    const ms = after - now;
    this.parkedMs += ms;
    this.waits.add(ms);
    this.sliceStart = after;
  }

  /** After a slice that did work: report and yield when one is due. */
  async worked(): Promise<void> {
    const now = this.clockMs();
    if (now - this.lastYield < YIELD_EVERY_MS) return;
    this.status.busy(this.busyMs + (now - this.sliceStart));
    this.status.progress(this.actors);
    await this.yield();
  }

  /** Yield when one is due (the shutdown loops). */
  async yieldIfDue(): Promise<void> {
    if (this.clockMs() - this.lastYield >= YIELD_EVERY_MS) await this.yield();
  }

  /** The loop ended: the slice in progress was busy time. */
  stop(): void {
    if (!this.stopped) this.busyMs += this.clockMs() - this.sliceStart;
    this.stopped = true;
  }

  figures(): void {
    this.status.figures(this.busyMs, this.parkedMs, this.parks, this.actors);
  }

  private async yield(): Promise<void> {
    await yieldToEventLoop();
    this.lastYield = this.clockMs();
  }
}

/**
 * A set of host workers kept alive from one threaded run to the next, for a caller that runs many
 * (a free sweep's seeds, the engine bench's repeated runs, a program calling the API in a loop).
 *
 * Why. A threaded run starts its workers cold: each loads the worker bundle, builds its actors and
 * then runs its first milliseconds of simulation in V8's interpreter and baseline code until the
 * optimising compiler has caught up, and every worker does so in an isolate of its own. On the
 * 2-core machine that start-up and warm-up are most of a short run's wall time (bench/README.md
 * "Warm-up and the steady state"). An inline run in a long-lived process pays them once, on its
 * first run; a worker set lets a threaded host do the same: the next run hands the same threads
 * the next run's actors, and they run the code they already compiled.
 *
 * Theory of operation
 * -------------------
 * The set holds no shared memory of its own. A kept worker is idle: its last run's loop returned,
 * so it waits in its event loop for comlink's next call and touches none of the old run's rings,
 * doorbells or status board again. The next run (threaded-runtime.ts) allocates all of those anew
 * as a fresh run does (its rings may be buffers an earlier run gave back to the process's ring
 * pool, reset to new: a kept worker's stale views of them are never used again, ring-pool.ts),
 * and sends each worker its WorkerInit over comlink (`prepare`, the same
 * structured clone as workerData; SharedArrayBuffers arrive shared), and the worker builds that
 * run's actors in place of the last. So a kept worker's run shares nothing with the run before it
 * but the compiled code, and the event digest is the one a fresh worker gives (tested).
 *
 * The rules that keep that true:
 * - One run at a time: `claim` refuses a set that is in use, as a ConfigError naming `workerSet`,
 *   the option the caller passed it by (their slip, refused as every other option's is).
 * - Only a run that ended by itself, every worker with a result, gives its workers back (`keep`).
 *   A crash, a stall, a stop request, a failed start or a failed `prepare` terminates them: the
 *   next run starts fresh threads (`release`).
 * - A kept worker that exits between runs (killed, out of memory) would never answer `prepare`, so
 *   the set watches its kept workers: after such an exit the next run terminates the rest and
 *   starts fresh ones.
 * - Workers are kept by shape: the host entry, the machine module (actor-host imports it by URL
 *   when it starts), their count and whether they compile on their own thread (worker-compiler.ts
 *   reads that when an isolate is made). A run of another shape
 *   terminates the kept workers and starts its own.
 * - `close` terminates whatever is kept. A caller that made a set closes it; an idle kept worker
 *   is unref'd (`Worker.unref`), so one forgotten does not hold the process open, and ref'd again
 *   when a run claims it.
 */
import type { Worker } from 'node:worker_threads';
import type * as Comlink from 'comlink';
import { ConfigError } from '../core/errors.js';
import type { ActorHostApi } from './actor-host-api.js';

/** One kept worker and the comlink remote that drives it. */
export interface KeptWorker {
  worker: Worker;
  remote: Comlink.Remote<ActorHostApi>;
}

export class WorkerSet {
  private kept: KeptWorker[] = [];
  private shape = '';
  private inUse = false;
  private closed = false;
  /** A kept worker exited between runs (killed, out of memory): the kept ones are not used. */
  private lost = false;
  /** Removes the exit listeners of the kept workers (set by `keep`, run by `claim`). */
  private unwatch: () => void = () => undefined;

  /**
   * Claim the set for one run of `shape`: the kept workers if they have that shape (the caller
   * prepares them), else none (the kept ones of another shape are terminated; the caller starts
   * fresh workers and hands them to `keep` when the run ends by itself, or to `release`).
   */
  async claim(shape: string): Promise<KeptWorker[]> {
    // Named as the run's option that passed the set, as check-run-input.ts names one not a WorkerSet.
    if (this.closed) throw new ConfigError('workerSet', 'Expected an open WorkerSet, got one already closed');
    if (this.inUse) {
      throw new ConfigError(
        'workerSet',
        'Expected one run at a time on a WorkerSet, got a second run while one holds it',
      );
    }
    this.inUse = true;
    this.unwatch();
    // A worker that is gone would never answer `prepare`: the run would hang. Start fresh instead.
    if (this.shape === shape && !this.lost) {
      // The run owns them until it gives them back (`keep`): a `close` meanwhile leaves them to it.
      const kept = this.kept;
      this.kept = [];
      for (const k of kept) k.worker.ref();
      return kept;
    }
    await this.terminateKept();
    return [];
  }

  /**
   * The run ended by itself on these workers: keep them for the next run of `shape` (or, if the
   * set was closed meanwhile, terminate them).
   */
  async keep(shape: string, workers: KeptWorker[]): Promise<void> {
    this.inUse = false;
    if (this.closed) {
      await Promise.all(workers.map((k) => k.worker.terminate()));
      return;
    }
    this.kept = workers;
    this.shape = shape;
    this.lost = false;
    const onExit = (): void => {
      this.lost = true;
    };
    for (const k of workers) {
      k.worker.once('exit', onExit);
      // Idle, it must not hold the process open: a program that forgets `close` still exits.
      k.worker.unref();
    }
    this.unwatch = () => {
      for (const k of workers) k.worker.off('exit', onExit);
      this.unwatch = () => undefined;
    };
  }

  /** The run failed or was stopped: its workers were terminated by the caller; keep none. */
  release(): void {
    this.kept = [];
    this.shape = '';
    this.inUse = false;
  }

  /** How many workers the set keeps now (for tests and the bench's report). */
  get size(): number {
    return this.kept.length;
  }

  /**
   * Terminate the kept workers; a set cannot be used after. Safe to call twice, and during a run
   * (that run's workers are terminated when it ends).
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.terminateKept();
  }

  private async terminateKept(): Promise<void> {
    this.unwatch();
    this.lost = false;
    const kept = this.kept;
    this.kept = [];
    this.shape = '';
    await Promise.all(kept.map((k) => k.worker.terminate()));
  }
}

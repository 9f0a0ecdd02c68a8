/**
 * The control plane of one worker (serve-actors.ts, in workers/actor-host.ts or machine-host.ts),
 * as the main thread calls it over comlink. A type only: the threaded runtime and the worker body
 * (serve-actors.ts) both import it from here, so src never imports workers/.
 */
import type { Crash, WorkerLoop } from './worker-loop.js';
import type { WorkerResult } from './worker-result.js';

export interface ActorHostApi {
  /** Resolves with the result, or with the crash: comlink would reduce a thrown error to its message. */
  run(): Promise<{ ok: true; result: WorkerResult } | { ok: false; crash: Crash }>;
  /**
   * Build the actors of another run (its ActorHostData, checked as workerData is) in place of the
   * last run's: how a kept worker hosts the next run (worker-set.ts). Refused while a run is running.
   */
  prepare(data: unknown): void;
  snapshot(): ReturnType<WorkerLoop['snapshot']>;
  /** Pause (1), resume (0) or stop (2) at the next slice. */
  command(c: number): void;
}

/**
 * What the threaded runtime hands each worker thread (threaded-runtime.ts -> serve-actors.ts ->
 * worker-loop.ts or free/free-loop.ts): the plan, the worker's place in it, and the shared buffers
 * of the run (rings, doorbells, status rows, horizons, the stop tick, the lowers board, free mode's
 * words). The buffers' protocols are in the modules that read and write them; this is only their
 * hand-over.
 */
import type { StrategySpec } from '../model/choice/strategy.js';
import type { FreeShared } from './free/free-shared.js';
import type { MachinePlan } from './machine-module.js';
import type { RunRecording } from './raw-run.js';

export interface WorkerInit extends RunRecording {
  plan: MachinePlan;
  /** This worker's index, and the worker of every actor (placement.ts). */
  worker: number;
  workerOf: number[];
  seed: number;
  strategy?: StrategySpec;
  endTick: number;
  recordEvents: number;
  /** One ring buffer per edge between two workers (undefined for an edge inside one). */
  rings: (SharedArrayBuffer | undefined)[];
  /** One doorbell buffer per worker. */
  bells: SharedArrayBuffer[];
  /** One status row per worker (thread-status.ts). */
  statusRows: SharedArrayBuffer;
  /** One BigInt64 per worker: its current horizon (thread-status.ts). */
  horizons: SharedArrayBuffer;
  /** The run's stop tick (createStopTick). */
  stopTick: SharedArrayBuffer;
  /** One BigInt64 per worker: its lower bound (the stop barrier's board; stopOnFirst only). */
  lowers: SharedArrayBuffer;
  /** Rounds of re-checking before a park (0: park at once). */
  spinRounds: number;
  /** Free mode (free/free-loop.ts): the drift window and the termination words. */
  free?: FreeShared;
}

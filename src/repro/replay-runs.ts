/**
 * How a replay's runs (the replayed run and its history's: replay.ts, history-runs.ts) are hosted
 * and shown: the runners, the caller's or this thread's, the progress display each run feeds, and
 * where a run stops short of its duration as the recorded run did. Apart from replay.ts so that
 * its history's runs, in a file of their own, are hosted as the replayed run is without importing
 * the replay back.
 */

import type { RunConfig } from '../model/scenario/run-config.js';
import { type EngineOptions, type FreeRunOptions, replayFreeRun } from '../runtime/engine.js';
import type { FreeLog } from '../runtime/free/free-log.js';
import type { RawRun } from '../runtime/raw-run.js';

/** A progress display (the command's is cli/progress.ts's, as `npusim run` shows it). */
export interface ReplayProgress {
  update(tick: number, events: number, findings: number): void;
  stop(): void;
}

/**
 * Where a replay stops short of its configuration's duration, as the recorded run did: where it
 * was `interrupted` (Ctrl-C), or at its `first-finding` (--stop-on-first). Its progress is out of
 * this tick: out of the duration, a replay of a run stopped at 6.6 ms of 50 ms showed 13% at its
 * end (QA).
 */
export interface ReplayStop {
  tick: number;
  why: 'interrupted' | 'first-finding';
}

/**
 * Runs the replay's deterministic runs (the replayed run and its history's): `runRaw` unless the
 * caller hosts them itself (the command runs an inline one on a worker of its own, so that this
 * thread stays free to see Ctrl-C, as `npusim run --inline` does: cli/replay-command.ts).
 */
export type ReplayRunner = (config: RunConfig, options: EngineOptions) => Promise<RawRun>;

/**
 * Runs a free run's replay from its take log (the replayed run and its history's): replayFreeRun
 * in this thread unless the caller hosts it itself (the command runs it on the inline worker, so
 * that Ctrl-C is seen and stops it between two steps, `options.shouldStop` being the caller's).
 */
export type FreeReplayRunner = (
  config: RunConfig,
  log: FreeLog,
  where: string,
  options: FreeRunOptions,
) => Promise<RawRun>;

/** The hosts of the replay's runs, the caller's or this thread's. */
export interface Runners {
  run: ReplayRunner;
  runFree: FreeReplayRunner;
}

/** A free run's replay in this thread: the library's, which no signal stops. */
export const freeRunHere: FreeReplayRunner = async (config, log, where, options) =>
  replayFreeRun(config, log, where, options);

/** The events a take log counts, all actors together: what its replay handles when not stopped. */
export function takeLogEvents(log: FreeLog): number {
  return log.actors.reduce((sum, a) => sum + a.events, 0);
}

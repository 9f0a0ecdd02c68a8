/**
 * The engine's front door: run one simulation of the real machine (src/model/actors/machine.ts),
 * inline or threaded, to its raw result (src/api/run-simulation.ts assembles the report). The
 * command line, the sweeps, the benchmarks and the tests all come through here, so the two hosts
 * can never be configured differently.
 */

import { ConfigError } from '../core/errors.js';
import * as machine from '../model/actors/machine.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { FreeLog } from './free/free-log.js';
import { checkFreeLog, type FreeReplayOptions, replayFree } from './free/free-replay.js';
import { runInline } from './inline-runtime.js';
import type { Placement } from './placement.js';
import type { RawRun, RunRecording } from './raw-run.js';
import { startThreaded, type ThreadedRun } from './threaded-runtime.js';
import type { WorkerSet } from './worker-set.js';

export type Host = 'inline' | 'threaded';

/** How to host a run and what to record of it (the run itself is the RunConfig). */
export interface EngineOptions extends Omit<RunRecording, 'stopOnFirst'> {
  host: Host;
  /** Threaded: which worker hosts which actors (default one per actor). */
  placement?: Placement;
  /** Threaded: rounds of re-checking before a park (default: by cores, threaded-runtime.ts). */
  spinRounds?: number;
  /** Simulated tick reached, events handled and violations found so far. */
  onProgress?: (tick: number, events: number, findings: number) => void;
  /** Threaded: a run stopped at its first finding runs again to it for its figures (threaded-runtime.ts). */
  onSecondPass?: (stopTick: number) => void;
  /** Polled during the run; any truthy answer stops it as Ctrl-C would, on every host. */
  shouldStop?: () => boolean;
  /** Inline only: stop as Ctrl-C would after this many events (inline-runtime.ts). */
  stopAfterEvents?: number;
  /** Record up to this many events per actor, to name the first divergence between two runs. */
  recordEvents?: number;
  /** Inline only: time every handler by message kind (RawRun.eventCosts; the bench's bound). */
  timeEvents?: boolean;
  watchdogMs?: number;
  ringCapacityRecords?: number;
  /** Threaded, free mode (free/free-loop.ts): no safe-time waiting; the drift window in ticks. */
  free?: { windowTicks: number };
  /** Threaded: workers kept between runs (worker-set.ts); default fresh workers per run. */
  workerSet?: WorkerSet;
}

/** The machine module's URL, as a worker must import it (source in tests, build otherwise). */
export function machineModuleUrl(): URL {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`../model/actors/machine.${ext}`, import.meta.url);
}

export async function runRaw(config: RunConfig, options: EngineOptions): Promise<RawRun> {
  const endTick = config.params.durationTicks;
  if (options.host === 'inline') {
    return runInline(machine, config, {
      seed: config.seed,
      strategy: config.strategy,
      stopOnFirst: config.stopOnFirst,
      recordChoices: options.recordChoices,
      tailEvents: options.tailEvents,
      tailPages: options.tailPages,
      trace: options.trace,
      endTick,
      recordEvents: options.recordEvents,
      ...(options.timeEvents === true ? { timeEvents: true } : {}),
      onProgress: options.onProgress,
      shouldStop: options.shouldStop,
      ...(options.stopAfterEvents === undefined ? {} : { stopAfterEvents: options.stopAfterEvents }),
    });
  }
  if (options.stopAfterEvents !== undefined) {
    // Threaded workers stop each at its own event: no count of events is a place to stop at.
    throw new ConfigError(
      'stopAfterEvents',
      `Expected stopAfterEvents only with host 'inline', got host '${options.host}'`,
    );
  }
  if (options.timeEvents === true) {
    // A threaded run's handler times would include a worker's share of two cores: not a cost.
    throw new ConfigError(
      'timeEvents',
      `Expected timeEvents only with host 'inline', got host '${options.host}'`,
    );
  }
  return startThreadedRun(config, options).result;
}

export function startThreadedRun(config: RunConfig, options: EngineOptions): ThreadedRun {
  return startThreaded(machineModuleUrl(), machineConfig(config), {
    // The real machine's own worker host: built into one bundled file by `npm run build`.
    hostWorker: 'machine-host',
    seed: config.seed,
    ...(options.placement === undefined ? {} : { placement: options.placement }),
    ...(options.spinRounds === undefined ? {} : { spinRounds: options.spinRounds }),
    strategy: config.strategy,
    stopOnFirst: config.stopOnFirst,
    recordChoices: options.recordChoices,
    tailEvents: options.tailEvents,
    tailPages: options.tailPages,
    trace: options.trace,
    endTick: config.params.durationTicks,
    recordEvents: options.recordEvents,
    onProgress: options.onProgress,
    ...(options.onSecondPass === undefined ? {} : { onSecondPass: options.onSecondPass }),
    shouldStop: options.shouldStop,
    watchdogMs: options.watchdogMs,
    ringCapacityRecords: options.ringCapacityRecords,
    ...(options.free === undefined ? {} : { free: options.free }),
    ...(options.workerSet === undefined ? {} : { workerSet: options.workerSet }),
  });
}

/**
 * The config the workers build the machine from: without a replay's choice log, which the model
 * never reads (each worker's choosers take their sequences from its own WorkerInit.strategy,
 * trimmed to its actors): cloned whole into every worker, a 2^24-choice log made a threaded replay
 * peak at 2.5 GB. Other strategies are small and stay, so the config object (and the World built
 * for it, machine.ts worldOf) is the caller's.
 */
function machineConfig(config: RunConfig): RunConfig {
  if (config.strategy?.kind !== 'replay') return config;
  const { strategy: _log, ...rest } = config;
  return rest;
}

/** Refuse a take log `replayFreeRun` could not follow for its form alone, running nothing. */
export function checkFreeRunLog(config: RunConfig, log: FreeLog, where: string): void {
  checkFreeLog(machine, config, log, where);
}

/** What a free run's replay from its take log records and reports as it goes. */
export type FreeRunOptions = Omit<RunRecording, 'stopOnFirst'> &
  Pick<FreeReplayOptions, 'recordEvents' | 'tailUntilTick' | 'onProgress' | 'progressEvery' | 'shouldStop'>;

/**
 * Replay a free run from its take log, in this thread (free/free-replay.ts): a `shouldStop` set
 * by a signal handler is never seen here, so a command runs it on a worker (cli/inline-host.ts).
 */
export function replayFreeRun(
  config: RunConfig,
  log: FreeLog,
  where: string,
  options: FreeRunOptions = {},
): RawRun {
  return replayFree(machine, config, {
    seed: config.seed,
    strategy: config.strategy,
    endTick: config.params.durationTicks,
    log,
    where,
    ...options,
  });
}

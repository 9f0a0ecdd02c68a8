/**
 * Worker entry for `npusim run --inline` (started by inline-worker.ts). An inline run is one
 * synchronous loop; run on the main thread it would block the event loop, and Ctrl-C (a signal,
 * delivered through the event loop) would not be seen until the run ended. So the command runs
 * the inline host in this one worker: every actor still shares one thread and one event heap
 * (the digest is the inline digest), while the main thread stays free to take Ctrl-C and set the
 * stop word that `shouldStop` polls. A free run's replay from its take log (`free`) is one
 * synchronous loop too, and runs here for the same reason.
 *
 * Protocol (one port, parent <- worker): 'progress' messages while running, then exactly one of
 * 'done' (the RawRun; histograms cross by structured clone), 'crash', 'stall', 'config' or 'error'.
 *
 * Shared memory: the stop word (`stopWord`, one Int32 in a SharedArrayBuffer the parent made,
 * inline-worker.ts) alone. The parent stores 1 on Ctrl-C; this thread's loop loads it between
 * events (`shouldStop`) and ends the run at the next event boundary. One store and loads of one
 * word: nothing else depends on its ordering, and a load that misses the store by an event only
 * stops the run one event later.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../core/errors.js';
import type { StrategySpec } from '../model/choice/strategy.js';
import type { TailPages } from '../runtime/actor-runner.js';
import type { FreeLog } from '../runtime/free/free-log.js';
import { replayFree } from '../runtime/free/free-replay.js';
import { runInline } from '../runtime/inline-runtime.js';
import type { MachineModule } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError, EngineStallError } from '../runtime/run-errors.js';
import type { TraceOptions } from '../runtime/trace-recorder.js';

/** What an inline run is asked for besides its machine and config: the same from command to worker. */
export interface InlineRunSettings {
  seed: number;
  /** Which chooser each actor gets (RunConfig.strategy). */
  strategy?: StrategySpec;
  /** Stop at the end of the tick of the first finding (RunConfig.stopOnFirst). */
  stopOnFirst?: boolean;
  endTick: number;
  /** Record up to this many events per actor (--check-hosts names the first divergence). */
  recordEvents?: number;
  /** Trace records and samples (src/runtime/trace-recorder.ts). */
  trace?: TraceOptions;
  /** Stop as Ctrl-C would after this many events (a replay of a recorded inline run Ctrl-C stopped). */
  stopAfterEvents?: number;
  /** Keep each actor's last events (a replay's history). */
  tailEvents?: number;
  /** With tailEvents: the 64 KiB pages whose earlier events the tails keep too (a history's). */
  tailPages?: TailPages;
  /**
   * Replay a free run from this take log instead of running the machine's event loop (a free
   * run's `npusim replay`: free/free-replay.ts), `where` naming the log in errors; with
   * `tailUntilTick`, the tails keep only events up to it (the history's run).
   */
  free?: { log: FreeLog; where: string; tailUntilTick?: number };
}

export interface InlineHostData extends InlineRunSettings {
  /** The machine module (engine.ts machineModuleUrl(); a fixture machine in tests). */
  machineUrl: string;
  config: unknown;
  /** Int32Array over it: [0] is 1 once the parent asked to stop. */
  stopWord: SharedArrayBuffer;
}

export type InlineHostMessage =
  | { type: 'progress'; tick: number; events: number; findings: number }
  | { type: 'done'; raw: RawRun }
  | {
      type: 'crash';
      crash: ActorCrashError['crash'];
      traces?: ActorCrashError['traces'];
      tails?: ActorCrashError['tails'];
    }
  | { type: 'stall'; message: string; dump: Record<string, unknown> }
  | { type: 'config'; field: string; message: string }
  | { type: 'error'; stack: string };

const port = parentPort;
if (port === null) throw new Error('inline-host must run in a worker thread (see src/cli/inline-worker.ts)');
const data = workerData as InlineHostData;
const stop = new Int32Array(data.stopWord);
const post = (m: InlineHostMessage): void => port.postMessage(m);

// The same calls engine.ts makes for an inline run (runRaw) and a free run's replay (replayFreeRun),
// on the machine module named by URL.
const shouldStop = (): boolean => Atomics.load(stop, 0) === 1;
const onProgress = (tick: number, events: number, findings: number): void =>
  post({ type: 'progress', tick, events, findings });
import(data.machineUrl)
  .then((machine: MachineModule) =>
    data.free !== undefined
      ? replayFree(machine, data.config, {
          seed: data.seed,
          strategy: data.strategy,
          endTick: data.endTick,
          log: data.free.log,
          where: data.free.where,
          recordEvents: data.recordEvents,
          trace: data.trace,
          tailEvents: data.tailEvents,
          tailPages: data.tailPages,
          ...(data.free.tailUntilTick === undefined ? {} : { tailUntilTick: data.free.tailUntilTick }),
          onProgress,
          shouldStop,
        })
      : runInline(machine, data.config, {
          seed: data.seed,
          strategy: data.strategy,
          stopOnFirst: data.stopOnFirst,
          endTick: data.endTick,
          recordEvents: data.recordEvents,
          trace: data.trace,
          tailEvents: data.tailEvents,
          tailPages: data.tailPages,
          ...(data.stopAfterEvents === undefined ? {} : { stopAfterEvents: data.stopAfterEvents }),
          onProgress,
          shouldStop,
        }),
  )
  .then(
    (raw) => post({ type: 'done', raw }),
    (error: unknown) => {
      if (error instanceof ActorCrashError)
        post({
          type: 'crash',
          crash: error.crash,
          ...(error.traces === undefined ? {} : { traces: error.traces }),
          ...(error.tails === undefined ? {} : { tails: error.tails }),
        });
      else if (error instanceof EngineStallError)
        post({ type: 'stall', message: error.message, dump: error.dump });
      else if (error instanceof ConfigError) {
        post({
          type: 'config',
          field: error.field,
          message: error.message.slice(error.field === '' ? 0 : error.field.length + 2),
        });
      } else
        post({
          type: 'error',
          stack: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
    },
  );

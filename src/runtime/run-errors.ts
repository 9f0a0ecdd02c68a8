/**
 * Why a run ended without a result, each mapped to its exit code by the command line
 * (core/exit-codes.ts: 3 liveness failure, 4 crash).
 */
import type { SimMessage } from '../model/protocol/sim-message.js';
import type { ActorRunner } from './actor-runner.js';
import type { ActorTrace } from './trace-recorder.js';

export interface CrashInfo {
  actor: string;
  lastEvent: SimMessage | undefined;
  tick: number;
  message: string;
  stack: string;
}

/**
 * An actor threw: the run stops, every worker is terminated (exit 4). `traces`: every actor's
 * trace records up to the crash, when the run kept them (an inline run with --trace; a threaded
 * run's records go with its workers, so the command line makes the run again inline for them).
 * `tails`: every actor's last events up to the crash, the crashing one last in its actor's, when
 * an inline run kept tails (a replay's history of a crash: repro/history-runs.ts).
 */
export class ActorCrashError extends Error {
  override readonly name = 'ActorCrashError';
  constructor(
    readonly crash: CrashInfo,
    readonly traces?: ActorTrace[],
    readonly tails?: SimMessage[][],
  ) {
    super(
      `actor ${crash.actor} crashed at tick ${crash.tick}: ${crash.message}` +
        (crash.lastEvent === undefined
          ? ''
          : ` (last event: kind 0x${crash.lastEvent.kind.toString(16)} from actor ${crash.lastEvent.source}, ` +
            `seq ${crash.lastEvent.seq}, address 0x${crash.lastEvent.address.toString(16)})`),
    );
  }
}

/**
 * The crash report of an actor that threw while handling `last` (undefined: in its start, before
 * any event): actor, tick, last event, message (the same report in every host).
 */
export function runnerCrash(runner: ActorRunner, last: SimMessage | undefined, e: unknown): ActorCrashError {
  const err = e instanceof Error ? e : new Error(String(e));
  return new ActorCrashError({
    actor: runner.actor.name,
    lastEvent: last === undefined ? undefined : { ...last },
    tick: runner.now,
    message: err.message,
    stack: err.stack ?? '',
  });
}

/**
 * A worker thread failed outside any actor's handler (out of memory, killed, a failure to start):
 * npusim's failure, not the model's (exit 4). It is not an actor's crash: no tick to name, no
 * failure file (a replay would not fail the same way), no trace (no actor's records were kept).
 * Before, it was reported as a crash of the worker's first actor at tick -1, and its failure file
 * was one `npusim replay` refused (QA).
 */
export class WorkerLostError extends Error {
  override readonly name = 'WorkerLostError';
  constructor(
    /** The worker's actors, as the summary names them (`gpu0`, or `chip0+gpu0+gpu1`). */
    readonly worker: string,
    /** What Node said of it (the error's message, or the exit code). */
    readonly reason: string,
    /** The error's stack, when there was an error. */
    readonly detail = '',
  ) {
    super(`the worker thread of ${worker} was lost: ${reason}`);
  }

  /** Whether it ran out of memory (Node's ERR_WORKER_OUT_OF_MEMORY, V8's heap limit). */
  get outOfMemory(): boolean {
    return /memory limit|out of memory/i.test(this.reason);
  }
}

/** The engine itself stopped moving (no actor handled an event for the watchdog period): exit 3. */
export class EngineStallError extends Error {
  override readonly name = 'EngineStallError';
  constructor(
    message: string,
    readonly dump: Record<string, unknown>,
  ) {
    super(message);
  }
}

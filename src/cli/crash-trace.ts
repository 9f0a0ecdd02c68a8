/**
 * `npusim run --trace FILE` of a run that crashed: the records of every actor up to the crash, the
 * window a user debugging it wants (the recorders keep the last events of each actor, and a
 * crashed run's last events end at its crash).
 *
 * An inline run's crash carries those records (inline-runtime.ts). A threaded run's went with its
 * workers, which were terminated, so the run is made again inline: the same seed gives the same
 * events on either host, so it crashes at the same actor and tick, records in hand. A free run
 * races anew, so it cannot be made again: it gets no trace, and says how to get one.
 */
import type { RunConfig } from '../model/scenario/run-config.js';
import { formatTime } from '../report/duration.js';
import type { RunResult } from '../report/run-result.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import { ActorCrashError, EngineStallError } from '../runtime/run-errors.js';
import type { ActorTrace, TraceOptions } from '../runtime/trace-recorder.js';
import { sayText } from './cli-io.js';
import type { OutputText } from './emit-result.js';
import { askedHost, hostRun, type RunSession } from './host-run.js';
import { writtenLine } from './output-path.js';

/** The crashed run: what it ran and its (failed) result. */
export interface CrashedRun {
  config: RunConfig;
  plan: MachinePlan;
  result: RunResult;
}

/**
 * The --trace file of a crashed run, or undefined (said on stderr) when there is none to write:
 * not asked for, not a crash (a stalled engine's workers hold no records it could gather), a free
 * run, or a run made again that did not crash the same way.
 */
export async function crashTraceFile(
  error: unknown,
  run: CrashedRun,
  session: RunSession,
  recording: TraceOptions | undefined,
): Promise<OutputText | undefined> {
  const { args, io } = session;
  if (args.trace === undefined || recording === undefined) return undefined;
  const notWritten = (why: string): undefined => {
    io.stderr.write(`npusim: --trace: not written: ${why}\n`);
    return undefined;
  };
  if (!(error instanceof ActorCrashError)) {
    return notWritten(
      error instanceof EngineStallError
        ? 'the engine stalled, and a stalled run leaves no records to show'
        : `npusim failed, not an actor, and its records went with it (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const traces = error.traces ?? (await recordAgain(error, run, session, recording, notWritten));
  if (traces === undefined) return undefined;
  const { buildTraceFile } = await import('../report/trace/trace-file.js');
  const { DEFAULT_TRACE_EVENTS } = await import('../report/trace/trace-recording.js');
  const trace = buildTraceFile(
    run.plan,
    run.config,
    run.result,
    { traces, reachedTick: error.crash.tick + 1 },
    args.traceEvents ?? DEFAULT_TRACE_EVENTS,
  );
  io.stderr.write(sayText(trace.note));
  return {
    option: '--trace',
    path: args.trace,
    text: trace.bytes,
    written: writtenLine('--trace', args.trace),
  };
}

/** A threaded crash made again inline for its records (theory above); undefined when it cannot be. */
async function recordAgain(
  error: ActorCrashError,
  run: CrashedRun,
  session: RunSession,
  recording: TraceOptions,
  notWritten: (why: string) => undefined,
): Promise<ActorTrace[] | undefined> {
  const { args, io } = session;
  const c = error.crash;
  if (askedHost(args) === 'free') {
    return notWritten(
      'a free run that crashes cannot be made again to record it (it races anew); run the scenario without --free to get a trace of its crash',
    );
  }
  io.stderr.write(
    `npusim: trace: the crash was on worker threads, whose records went with them; running again inline to record up to it (the same seed gives the same run)\n`,
  );
  let again: unknown;
  try {
    const raw = await hostRun(session, run.config, 'inline', {
      trace: recording,
      label: 'trace of the crash',
    });
    if (raw.stopped === 'interrupted') return notWritten('interrupted while the run was made again inline');
    again = undefined;
  } catch (e) {
    again = e;
  }
  if (!(again instanceof ActorCrashError) || again.traces === undefined) {
    return notWritten(
      again === undefined
        ? `the run made again inline did not crash (the threaded one crashed in ${c.actor} at ${formatTime(c.tick)}): a difference between the hosts, an engine bug worth reporting with this command`
        : `the run made again inline failed another way: ${again instanceof Error ? again.message : String(again)}`,
    );
  }
  if (again.crash.actor !== c.actor || again.crash.tick !== c.tick) {
    return notWritten(
      `the run made again inline crashed in ${again.crash.actor} at ${formatTime(again.crash.tick)}, not where the threaded one did (${c.actor} at ${formatTime(c.tick)}): a difference between the hosts, an engine bug worth reporting with this command`,
    );
  }
  return again.traces;
}

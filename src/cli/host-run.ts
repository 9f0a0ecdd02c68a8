/**
 * One run of `npusim run` on one host (inline, threaded, or free-running threads), with progress
 * on stderr and Ctrl-C wired to its stop. An inline run goes on a worker of its own, so this
 * thread stays free to take Ctrl-C (inline-host.ts). The main run, --check-hosts' two runs, the
 * anchored run of --trace and each variant all go through here.
 */
import type { RunConfig } from '../model/scenario/run-config.js';
import { formatTime } from '../report/duration.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import type { TraceOptions } from '../runtime/trace-recorder.js';
import type { WorkerSet } from '../runtime/worker-set.js';
import type { RunArgs } from './cli-args.js';
import { type CliIo, sayText } from './cli-io.js';
import { startInlineWorker } from './inline-worker.js';
import type { Interrupt } from './interrupt.js';
import { createProgress } from './progress.js';

export type Host = 'inline' | 'threaded' | 'free';

/**
 * What every run of one command shares: its arguments, its streams, its Ctrl-C, and the worker
 * threads one threaded run leaves for the next (a workload's variants, --trace's anchored run).
 */
export interface RunSession {
  args: RunArgs;
  io: CliIo;
  interrupt: Interrupt;
  workers?: WorkerSet;
}

export interface HostRunOptions {
  /** Record up to this many events per actor (--check-hosts). */
  recordEvents?: number;
  /** What the trace recorders keep (--trace, --report). */
  trace?: TraceOptions | undefined;
  /** Labels the progress bar (a variant). */
  label?: string;
  /** False: the progress shows no violations (PCT's measuring run, whose findings go nowhere). */
  showFindings?: boolean;
}

/** A run as planned: its configuration and the machine it builds (the plan names the actors). */
export interface PlannedRun {
  config: RunConfig;
  plan: MachinePlan;
}

/** The host the arguments ask for: --free, else --inline or threads. */
export function askedHost(args: RunArgs): Host {
  return args.free !== undefined ? 'free' : args.host;
}

export async function hostRun(
  session: RunSession,
  config: RunConfig,
  host: Host,
  options: HostRunOptions = {},
): Promise<RawRun> {
  const { args, io, interrupt } = session;
  const recordEvents = options.recordEvents ?? 0;
  const trace = options.trace;
  const engine = await import('../runtime/engine.js');
  const progressTo = (durationTicks: number) =>
    createProgress({
      durationTicks,
      stream: io.stderr,
      env: io.env,
      plain: args.json,
      ...(options.label === undefined ? {} : { label: options.label }),
      ...(options.showFindings === false ? { showFindings: false } : {}),
      stopping: () => interrupt.stopped,
    });
  let progress = progressTo(config.params.durationTicks);
  interrupt.beforeExit = () => progress.stop();
  const onProgress = (tick: number, events: number, findings: number): void =>
    progress.update(tick, events, findings);
  // A threaded run stopped at its first finding runs again to it (runtime/threaded-runtime.ts):
  // said, and its progress shown out of the stop tick (QA: a bar frozen at the stop as long again).
  const onSecondPass = (stopTick: number): void => {
    progress.stop();
    io.stderr.write(
      sayText(
        `stopped at the first finding at ${formatTime(stopTick)}; running again to it on the same threads, so that no figure counts what other threads handled past it (--inline runs once)`,
      ),
    );
    progress = progressTo(stopTick);
  };
  try {
    if (host === 'threaded' || host === 'free') {
      const run = engine.startThreadedRun(config, {
        host: 'threaded',
        ...(args.placement === undefined ? {} : { placement: args.placement }),
        ...(host === 'free' ? { free: args.free } : {}),
        onProgress,
        onSecondPass,
        shouldStop: () => interrupt.stopped,
        ...(recordEvents > 0 ? { recordEvents } : {}),
        ...(trace === undefined ? {} : { trace }),
        ...(session.workers === undefined ? {} : { workerSet: session.workers }),
      });
      interrupt.track(() => run.stop());
      return await run.result;
    }
    const run = startInlineWorker(config, {
      machineUrl: engine.machineModuleUrl(),
      seed: config.seed,
      strategy: config.strategy,
      stopOnFirst: config.stopOnFirst,
      endTick: config.params.durationTicks,
      onProgress,
      ...(recordEvents > 0 ? { recordEvents } : {}),
      ...(trace === undefined ? {} : { trace }),
    });
    interrupt.track(() => run.stop());
    return await run.result;
  } finally {
    progress.stop();
  }
}

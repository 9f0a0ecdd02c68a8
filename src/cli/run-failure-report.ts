/**
 * A run that threw instead of ending: the error said on stderr with the seed and the reproduce
 * line (an `ActorCrashError` exit 4, an `EngineStallError` exit 3, a `ConfigError` exit 2 with
 * the field it names, anything else exit 4), then the failed run's result emitted with the --trace
 * of a crash (crash-trace.ts; --report has no figures to show) and its failure file written.
 */
import { ConfigError } from '../core/errors.js';
import { EXIT, worseExit } from '../core/exit-codes.js';
import type { RecordFields } from '../core/record-fields.js';
import type { SimMessage } from '../model/protocol/sim-message.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { failedRunResult, type RunFailure } from '../report/assemble-result.js';
import { asItsVariant } from '../report/described-result.js';
import { reproduceCommand, reproduceLine } from '../report/reproduce-line.js';
import { formatHistory, historyOf } from '../repro/history.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import { placementName } from '../runtime/placement.js';
import { ActorCrashError, EngineStallError, WorkerLostError } from '../runtime/run-errors.js';
import type { TraceOptions } from '../runtime/trace-recorder.js';
import { type CliIo, errorText, indent } from './cli-io.js';
import { configErrorText } from './config-error-text.js';
import { crashTraceFile } from './crash-trace.js';
import { emitResult } from './emit-result.js';
import { replayFileLines, writeFailureFile, writeRecording } from './failure-output.js';
import { askedHost, type RunSession } from './host-run.js';
import { labelOwnMissFor, sayOwnUnmet } from './own-verdict-line.js';
import { runFailureOf } from './run-outcome.js';
import type { SameAsVariant } from './run-variants.js';
import { stallLines } from './stall-lines.js';

/** The run that failed: what it ran and how long it took. */
export interface FailedRun {
  config: RunConfig;
  workload: Workload;
  plan: MachinePlan;
  wallMs: number;
  /**
   * The variant the options made the run (run-variants.ts): it is judged by what that one expects,
   * as a `--variant NAME` run (`config.variant`) is by what its variant expects.
   */
  sameAs?: SameAsVariant | undefined;
}

/**
 * Say the error, emit the failed result with the trace of a crash (crash-trace.ts); returns the
 * exit code.
 */
export async function reportFailure(
  error: unknown,
  run: FailedRun,
  session: RunSession,
  recording: TraceOptions | undefined,
): Promise<number> {
  const { args, io } = session;
  const { config, workload, plan, wallMs } = run;
  if (error instanceof ConfigError) {
    io.stderr.write(configErrorText(error, 'run'));
    return EXIT.usage;
  }
  const failure = runFailureOf(error) ?? npusimCrash(error);
  const result = failedRunResult(
    config,
    plan,
    askedHost(args),
    failure,
    wallMs,
    args.free?.windowTicks,
    args.placement === undefined ? undefined : placementName(args.placement),
  );
  // Judged as a run that ended would be (run-command.ts reportRun), its verdict in the result: as
  // the variant its options made it, the one it ran alone (--variant), or the workload's own run
  // by what the workload expects, labelled for the declared values its options changed.
  asItsVariant(result, config, workload, run.sameAs);
  labelOwnMissFor(result, workload, args);
  // The line that runs it again, as the summary prints it: a free run's own command is labelled a
  // re-run of free mode (it races anew), not a reproduction.
  sayFailure(error, config, plan, reproduceLine(result), io);
  if (args.report !== undefined) {
    io.stderr.write(
      `npusim: --report: not written: a run that ${failure.kind === 'crash' ? 'crashed' : 'stalled'} has no figures to show${args.trace === undefined || failure.kind !== 'crash' || args.free !== undefined ? '' : ' (--trace shows its events up to the crash)'}\n`,
    );
  }
  const trace = await crashTraceFile(error, { config, plan, result }, session, recording);
  const files = trace === undefined ? [] : [trace];
  // The summary, then the verdict's line as a run that ended says it (run-command.ts reportRun).
  const emitted = (): number => {
    const code = emitResult(result, args, io, files);
    sayOwnUnmet(result, io);
    return code;
  };
  // No failure file but on the last path below (`failureFile` null in --json until then).
  result.failureFile = null;
  if (error instanceof WorkerLostError || error instanceof EngineStallError) {
    // npusim's threads, not the model: a replay would not fail the same way, so no file to replay
    // (QA: a stall's file replayed `NOT reproduced`, a clean run where it said a stall at tick 0).
    io.stderr.write(
      `npusim: no failure file${args.record === undefined ? '' : ` and no --record file (${args.record})`}: the run did not fail in the model${error instanceof EngineStallError ? `, its threaded engine stalled; the same events in one thread: ${reproduceCommand(config, 'inline')}` : ''}\n`,
    );
    return emitted();
  }
  if (args.free !== undefined) {
    // The crashed thread's take log went with it: no file could replay this very run.
    io.stderr.write(
      `npusim: a free run that crashes leaves no take log, so no failure file${args.record === undefined ? '' : ` and no --record file (${args.record})`}; run the scenario deterministically: ${reproduceCommand(config, 'threaded')}\n`,
    );
    return emitted();
  }
  // The files first, so --json names the failure file (a script follows it to replay or shrink
  // without reading stderr: QA), as a run that ended does (run-command.ts writeRunFiles).
  const failureFile = writeFailureFile(result, config, workload, args.failuresDir, io, undefined, false);
  // A deterministic crash replays from its file as any run does (to the same crash, exit 4): the
  // recording the user asked for is written, clean or not.
  const recorded = args.record !== undefined && writeRecording(args.record, result, config, workload, io);
  result.failureFile = failureFile ?? null;
  const code = emitted();
  // After the summary, the replay commands last, as a run that ended says them (run-command.ts).
  io.stderr.write(
    replayFileLines({ failureFile, recordFile: recorded ? args.record : undefined, interrupted: false }),
  );
  return args.record !== undefined && !recorded ? worseExit(code, EXIT.usage) : code;
}

/** The error on stderr with the seed and `rerun`, the labelled line that runs it again. */
function sayFailure(error: unknown, config: RunConfig, plan: MachinePlan, rerun: string, io: CliIo): void {
  if (error instanceof ActorCrashError) {
    const c = error.crash;
    io.stderr.write(
      `npusim: crash (exit 4): actor ${c.actor} crashed at tick ${c.tick}: ${c.message}\n` +
        `  last event: ${lastEventText(c.lastEvent, c.actor, plan)}\n` +
        `  seed: ${config.seed}\n${indent(c.stack)}\n${rerun}\n`,
    );
  } else if (error instanceof WorkerLostError) {
    const hint = error.outOfMemory
      ? '  it ran out of memory: --inline, or fewer workers (--workers 2), needs less; or give Node more (NODE_OPTIONS=--max-old-space-size=MB)\n'
      : '';
    io.stderr.write(
      `npusim: failed (exit 4): ${error.message}\n${hint}  seed: ${config.seed}\n${error.detail === '' ? '' : `${indent(error.detail)}\n`}${rerun}\n`,
    );
  } else if (error instanceof EngineStallError) {
    // Read as a table, the JSON in --json's `stall` (QA: 993 lines of raw JSON, no key to them).
    io.stderr.write(
      `npusim: liveness failure (exit 3): ${error.message}\n  seed: ${config.seed}\n` +
        `${stallLines(error.dump).join('\n')}\n${rerun}\n`,
    );
  } else {
    io.stderr.write(
      `npusim: unexpected error (exit 4):\n${indent(errorText(error))}\n  seed: ${config.seed}\n${rerun}\n`,
    );
  }
}

/**
 * The event the actor was handling, as replay's history prints one (its kind by name, its fields
 * decoded, addresses in hex: repro/history.ts), not as the raw record.
 */
function lastEventText(last: SimMessage | undefined, actor: string, plan: MachinePlan): string {
  if (last === undefined) return 'none';
  const index = plan.actors.findIndex((a) => a.name === actor);
  if (index < 0) return JSON.stringify(last);
  const tails: RecordFields[][] = [];
  tails[index] = [last];
  return formatHistory(historyOf(plan, tails, [index], 1)).trim();
}

/** An error of npusim itself (not an actor's): recorded as a crash of the actor `npusim`. */
function npusimCrash(error: unknown): RunFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    kind: 'crash',
    crash: { actor: 'npusim', lastEvent: undefined, tick: 0, message: e.message, stack: e.stack ?? '' },
  };
}

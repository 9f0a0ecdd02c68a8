/**
 * What `npusim run --trace FILE` and `--report FILE` add to a run: the recorders' options before
 * it, a second run anchored at the first finding when the recorders kept too late a window, and
 * the two files built from the records after it.
 */
import type { RunConfig } from '../model/scenario/run-config.js';
import { assembleResult } from '../report/assemble-result.js';
import { formatTime } from '../report/duration.js';
import type { RecordedRun } from '../report/trace/trace-recording.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import type { TraceOptions } from '../runtime/trace-recorder.js';
import type { RunArgs, TraceArgs } from './cli-args.js';
import { sayText } from './cli-io.js';
import type { OutputText } from './emit-result.js';
import { hostRun, type PlannedRun, type RunSession } from './host-run.js';
import { writtenLine } from './output-path.js';

/** What the recorders keep for --trace and --report (undefined: neither asked for). */
export async function traceRecording(
  args: TraceArgs,
  config: RunConfig,
  plan: MachinePlan,
): Promise<TraceOptions | undefined> {
  if (args.trace === undefined && args.report === undefined) return undefined;
  const { DEFAULT_TRACE_EVENTS, traceRecordingOptions } = await import('../report/trace/trace-recording.js');
  // --report alone needs only the samples.
  return traceRecordingOptions(
    config,
    plan.actors.length,
    args.trace === undefined ? undefined : (args.traceEvents ?? DEFAULT_TRACE_EVENTS),
  );
}

/**
 * --trace keeps the window around the run's first finding. The recorders kept the end of the run;
 * when the first finding came before what they kept, the run is made again with the recorders
 * anchored at its tick: a run is deterministic (the same seed and options give the same events,
 * on either host), so the second run is the first one again, recorded where it matters. Returns
 * that run, or undefined when the first run's records serve.
 */
export async function anchoredRun(
  session: RunSession,
  first: PlannedRun & { raw: RawRun },
  recording: TraceOptions | undefined,
): Promise<RawRun | undefined> {
  const { args, io } = session;
  const { config, plan, raw } = first;
  if (args.trace === undefined || recording === undefined || raw.stopped === 'interrupted') return undefined;
  const { needsAnchoredRun } = await import('../report/trace/trace-file.js');
  const need = needsAnchoredRun(raw, assembleResult(config, plan, raw));
  if (need === undefined) return undefined;
  // A free run races anew when run again: there is no second run to anchor. Say why, and how to
  // keep the finding in the trace all the same.
  if (raw.free !== undefined) {
    io.stderr.write(freeTraceMissText(need, args));
    return undefined;
  }
  io.stderr.write(
    sayText(
      `trace: the first finding (${formatTime(need.anchorTick)}) is outside what the trace could keep ` +
        `(${formatTime(need.keptFrom)} to ${formatTime(need.keptTo)}); running again to keep the window around it ` +
        '(the same seed gives the same run)',
    ),
  );
  const again = await hostRun(session, config, args.host, {
    trace: { ...recording, anchorTick: need.anchorTick },
  });
  if (again.stopped === 'interrupted') return undefined;
  const { combineDigests } = await import('../runtime/digest.js');
  if (combineDigests(again.actorDigests) !== combineDigests(raw.actorDigests)) {
    io.stderr.write(
      'npusim: trace: the second run differs from the first (an engine bug); the trace shows the second\n',
    );
  }
  return again;
}

/**
 * Why a free run's trace misses its first finding, and what keeps it: the replay of the file the
 * same command writes follows the run's take log and anchors its trace at the finding (QA: the
 * message named only --trace-events).
 */
export function freeTraceMissText(
  need: { anchorTick: number; keptFrom: number; keptTo: number },
  args: Pick<RunArgs, 'failuresDir' | 'record'>,
): string {
  const replayable =
    args.failuresDir !== undefined
      ? 'its failure file (the replay line below)'
      : args.record !== undefined
        ? `its --record file ${args.record}`
        : undefined;
  return sayText(
    `trace: the first finding (${formatTime(need.anchorTick)}) is outside what the trace could keep ` +
      `(${formatTime(need.keptFrom)} to ${formatTime(need.keptTo)}), and a free run cannot be run again to keep ` +
      `the window around it (it races anew): ${replayable === undefined ? '' : `\`npusim replay\` of ${replayable} with --trace FILE keeps it (a replay follows the run's take log), or `}raise --trace-events (with --stop-on-first the run ends at its finding, so fewer events reach back to it)`,
  );
}

/** The --trace and --report files of a run, built from its records (nothing if neither asked). */
export async function traceAndReportFiles(
  run: RecordedRun,
  session: { args: TraceArgs; io: Pick<RunSession['io'], 'stderr'> },
): Promise<OutputText[]> {
  const { plan, config, result, raw, traceRaw } = run;
  const { args, io } = session;
  const files: OutputText[] = [];
  if (args.trace !== undefined) {
    const { buildTraceFile } = await import('../report/trace/trace-file.js');
    const { DEFAULT_TRACE_EVENTS } = await import('../report/trace/trace-recording.js');
    // The build is synchronous and can take a minute at a large --trace-events, with the progress
    // bar gone: say what is going on.
    const recorded = (traceRaw ?? raw).traces?.reduce((n, t) => n + t.recorded, 0) ?? 0;
    io.stderr.write(`npusim: trace: building the file from ${recorded} recorded events\n`);
    const trace = buildTraceFile(
      plan,
      config,
      result,
      traceRaw ?? raw,
      args.traceEvents ?? DEFAULT_TRACE_EVENTS,
    );
    io.stderr.write(sayText(trace.note));
    files.push({
      option: '--trace',
      path: args.trace,
      text: trace.bytes,
      written: writtenLine('--trace', args.trace),
    });
  }
  if (args.report !== undefined) {
    const { buildHtmlReport } = await import('../report/html-report.js');
    files.push({
      option: '--report',
      path: args.report,
      text: buildHtmlReport({ plan, config, result, raw }),
      written: writtenLine('--report', args.report),
    });
  }
  return files;
}
